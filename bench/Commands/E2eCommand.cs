using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.E2e;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class E2eSettings : LimitsSettings
{
    [CommandOption("--users <N>")]
    public int? Users { get; set; }

    [CommandOption("--devices <N>")]
    [Description("Devices per user.")]
    public int? DevicesPerUser { get; set; }

    [CommandOption("--group-size <N>")]
    public int? GroupSize { get; set; }

    [CommandOption("--big-group <MEMBERS>")]
    [Description("Members of the large group (0: none).")]
    public int? BigGroup { get; set; }

    [CommandOption("--mix <D,G,B>")]
    [Description("Percent of sends to 1:1 chats, groups and the large group, e.g. 60,39,1.")]
    public string? Mix { get; set; }

    [CommandOption("--phase <SECONDS>")]
    [Description("Seconds of the saturation phase and of the fixed-rate phase.")]
    public double? Phase { get; set; }

    [CommandOption("--e2e-warmup <SECONDS>")]
    public double? E2eWarmup { get; set; }

    [CommandOption("--concurrency <N>")]
    [Description("Sends in flight at saturation.")]
    public int? Concurrency { get; set; }

    [CommandOption("--rate <SENDS_PER_SECOND>")]
    [Description("Offered rate of the fixed-rate phase (default: half the measured saturation rate).")]
    public double? Rate { get; set; }

    [CommandOption("--drain-timeout <SECONDS>")]
    public double? DrainTimeout { get; set; }

    [CommandOption("--mark-read <TRUE|FALSE>")]
    [Description("Devices mark what they receive read, at most once a second per conversation (default: true).")]
    public bool? MarkRead { get; set; }

    [CommandOption("--acknowledge <TRUE|FALSE>")]
    [Description("Devices acknowledge pushed messages as the client library does by default (one message for all conversations at most every 2 s) (default: true).")]
    public bool? Acknowledge { get; set; }

    [CommandOption("--compare-acks <PAIRS>")]
    [Description("After the fixed-rate phase, PAIRS pairs of saturation windows with acknowledgements on and paused, in ABBA order (needs --acknowledge true)")]
    public int? AcknowledgementPairs { get; set; }

    [CommandOption("--skip-limits")]
    [Description("Do not measure the raw limits first (no ratios).")]
    public bool SkipLimits { get; set; }

    public override ValidationResult Validate()
    {
        if (AcknowledgementPairs < 0) return ValidationResult.Error("--compare-acks must not be negative");
        if (AcknowledgementPairs > 0 && Acknowledge == false) return ValidationResult.Error("--compare-acks pauses acknowledgements: it needs --acknowledge true");
        return base.Validate();
    }

    public E2eOptions E2eOptions()
    {
        var o = Full ? Scenarios.E2e.E2eOptions.Full : Scenarios.E2e.E2eOptions.Smoke;
        var mix = Mix is null ? null : Mix.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return o with
        {
            Node = Node ?? o.Node,
            Users = Users ?? o.Users,
            DevicesPerUser = DevicesPerUser ?? o.DevicesPerUser,
            GroupSize = GroupSize ?? o.GroupSize,
            BigGroupMembers = BigGroup ?? o.BigGroupMembers,
            DirectShare = mix?[0] / 100 ?? o.DirectShare,
            GroupShare = mix?[1] / 100 ?? o.GroupShare,
            BigShare = mix?[2] / 100 ?? o.BigShare,
            Duration = TimeSpan.FromSeconds(Phase ?? o.Duration.TotalSeconds),
            Warmup = TimeSpan.FromSeconds(E2eWarmup ?? o.Warmup.TotalSeconds),
            Concurrency = Concurrency ?? o.Concurrency,
            Rate = Rate ?? o.Rate,
            DrainTimeout = TimeSpan.FromSeconds(DrainTimeout ?? o.DrainTimeout.TotalSeconds),
            RunLimits = !SkipLimits,
            MarkRead = MarkRead ?? o.MarkRead,
            Acknowledge = Acknowledge ?? o.Acknowledge,
            AcknowledgementPairs = AcknowledgementPairs ?? o.AcknowledgementPairs,
            Limits = Options(),
        };
    }
}

[Description("End to end: devices over SignalR through Seqline.Client, a mixed workload at saturation and at a fixed rate, with the raw limits of the same run.")]
public sealed class E2eCommand : ScenarioCommand<E2eSettings, E2eResult>
{
    protected override string Name => "e2e";

    protected override Task<E2eResult> RunAsync(E2eSettings settings, IBenchUi ui, string workDirectory) =>
        E2eScenario.RunAsync(settings.E2eOptions(), ui, workDirectory);

    protected override void Report(E2eResult result, ReportWriter report) => E2eReport.Write(result, report);
}
