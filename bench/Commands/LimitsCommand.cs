using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Limits;
using Seqline.Hosting;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public class LimitsSettings : ScenarioSettings
{
    [CommandOption("--duration <SECONDS>")]
    [Description("Measured seconds of each limit.")]
    public double? Duration { get; set; }

    [CommandOption("--warmup <SECONDS>")]
    public double? Warmup { get; set; }

    [CommandOption("--store-appenders <N>")]
    public int? StoreAppenders { get; set; }

    [CommandOption("--store-batch <ROWS>")]
    public int? StoreBatch { get; set; }

    [CommandOption("--scatter-timelines <N>")]
    public int? ScatterTimelines { get; set; }

    [CommandOption("--grain-concurrency <N>")]
    public int? GrainConcurrency { get; set; }

    [CommandOption("--hub-connections <N>")]
    public int? HubConnections { get; set; }

    [CommandOption("--store <STORE>")]
    [Description("Sqlite (default) or Postgres (a private server from the machine's postgresql): the raw store limit's store, and e2e's node's.")]
    public StorageProvider? Store { get; set; }

    public LimitsOptions Options()
    {
        var o = Full ? LimitsOptions.Full : LimitsOptions.Smoke;
        return o with
        {
            Duration = TimeSpan.FromSeconds(Duration ?? o.Duration.TotalSeconds),
            Warmup = TimeSpan.FromSeconds(Warmup ?? o.Warmup.TotalSeconds),
            StoreAppenders = StoreAppenders ?? o.StoreAppenders,
            StoreBatch = StoreBatch ?? o.StoreBatch,
            ScatterTimelines = ScatterTimelines ?? o.ScatterTimelines,
            GrainConcurrency = GrainConcurrency ?? o.GrainConcurrency,
            HubConnections = HubConnections ?? o.HubConnections,
            HubInChildProcess = Node is { } node ? node == NodeMode.Process : o.HubInChildProcess,
            Store = Store ?? o.Store,
        };
    }
}

[Description("Raw limits: timeline-store appends (SQLite or PostgreSQL), ping-grain calls, SignalR pushes without grains.")]
public sealed class LimitsCommand : ScenarioCommand<LimitsSettings, (LimitsResult Result, LimitsOptions Options)>
{
    protected override string Name => "limits";

    protected override async Task<(LimitsResult, LimitsOptions)> RunAsync(LimitsSettings settings, IBenchUi ui, string workDirectory)
    {
        var options = settings.Options();
        return (await LimitsScenario.RunAsync(options, ui, workDirectory), options);
    }

    protected override void Report((LimitsResult Result, LimitsOptions Options) result, ReportWriter report) =>
        LimitsScenario.Report(result.Result, result.Options, report);
}
