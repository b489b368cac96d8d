using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Peer;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class PeerSettings : ScenarioSettings
{
    [CommandOption("--pairs <N>")]
    [Description("1:1 pairs of online users (users = 2 x pairs).")]
    public int? Pairs { get; set; }

    [CommandOption("--targets <LIST>")]
    [Description("Comma-separated: seqline-hub, seqline-http, ejabberd (default: all three).")]
    public string? Targets { get; set; }

    [CommandOption("--phase <SECONDS>")]
    [Description("Seconds of each measured phase: saturation, half load, common rate.")]
    public double? Phase { get; set; }

    [CommandOption("--peer-warmup <SECONDS>")]
    public double? PeerWarmup { get; set; }

    [CommandOption("--concurrency <N>")]
    [Description("Sends in flight in the closed loop (saturation).")]
    public int? Concurrency { get; set; }

    [CommandOption("--rate <SENDS_PER_SECOND>")]
    [Description("The offered rate of the last phase, the same for every target (default 600 with --full).")]
    public double? Rate { get; set; }

    [CommandOption("--drain-timeout <SECONDS>")]
    public double? DrainTimeout { get; set; }

    [CommandOption("--install")]
    [Description("Install ejabberd and erlang-p1-sqlite3 with apt-get if missing (as root, else sudo).")]
    public bool Install { get; set; }

    public PeerOptions PeerOptions()
    {
        var o = Full ? Scenarios.Peer.PeerOptions.Full : Scenarios.Peer.PeerOptions.Smoke;
        return o with
        {
            Pairs = Pairs ?? o.Pairs,
            Targets = Targets is null ? o.Targets : [.. Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseTarget)],
            Duration = TimeSpan.FromSeconds(Phase ?? o.Duration.TotalSeconds),
            Warmup = TimeSpan.FromSeconds(PeerWarmup ?? o.Warmup.TotalSeconds),
            Concurrency = Concurrency ?? o.Concurrency,
            CommonRate = Rate ?? o.CommonRate,
            DrainTimeout = TimeSpan.FromSeconds(DrainTimeout ?? o.DrainTimeout.TotalSeconds),
            Install = Install,
        };
    }

    public override ValidationResult Validate()
    {
        try
        {
            var o = PeerOptions();
            if (o.Pairs < 1 || o.Concurrency < 1 || o.CommonRate <= 0 || o.Duration <= TimeSpan.Zero) return ValidationResult.Error("sizes must be positive");
            if (o.Targets.Count == 0) return ValidationResult.Error("--targets names no target");
        }
        catch (FormatException e)
        {
            return ValidationResult.Error(e.Message);
        }
        return ValidationResult.Success();
    }

    private static PeerTarget ParseTarget(string name) => name.ToLowerInvariant() switch
    {
        "seqline-hub" => PeerTarget.SeqlineHub,
        "seqline-http" => PeerTarget.SeqlineHttp,
        "ejabberd" => PeerTarget.Ejabberd,
        _ => throw new FormatException($"unknown target '{name}' (seqline-hub, seqline-http, ejabberd)"),
    };
}

[Description("Seqline and ejabberd side by side: the same 1:1 load from one generator, saturation, half of it, and a common rate; latency, CPU and memory with ratios.")]
public sealed class PeerCommand : ScenarioCommand<PeerSettings, PeerResult>
{
    protected override string Name => "peer";

    protected override Task<PeerResult> RunAsync(PeerSettings settings, IBenchUi ui, string workDirectory) =>
        PeerScenario.RunAsync(settings.PeerOptions(), ui, workDirectory);

    protected override void Report(PeerResult result, ReportWriter report)
    {
        var (headers, rows) = PeerReport.Table(result);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, i) in headers.Select((h, i) => (h, i)))
            table.AddColumn(new TableColumn(Markup.Escape(header)) { Alignment = i == 0 ? Justify.Left : Justify.Right });
        foreach (var row in rows) table.AddRow([.. row.Select(Markup.Escape)]);
        AnsiConsole.Write(table);
        PeerReport.Write(result, report);
    }

    protected override int ExitCode(PeerResult result) => result.Runs.All(r => r.DeliveredEverything) ? 0 : 1;
}
