using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Hosting;

namespace Seqline.Bench.Scenarios.Limits;

/// <summary>Sizes of the limits scenario.</summary>
public sealed record LimitsOptions
{
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(0.5);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(1);
    public int PayloadBytes { get; init; } = 200;
    public int StoreAppenders { get; init; } = 16;
    public int StoreBatch { get; init; } = 100;
    public int ScatterTimelines { get; init; } = 200;
    public int GrainConcurrency { get; init; } = 64;
    public int GrainKeys { get; init; } = 256;
    public int HubConnections { get; init; } = 20;
    public int HubParallelism { get; init; } = 4;
    public bool HubInChildProcess { get; init; }

    /// <summary>The store the raw store limit measures, and (e2e) the node runs on: Sqlite or Postgres.</summary>
    public StorageProvider Store { get; init; } = StorageProvider.Sqlite;

    /// <summary>Tiny sizes: seconds in all.</summary>
    public static LimitsOptions Smoke { get; } = new();

    /// <summary>The reference sizes.</summary>
    public static LimitsOptions Full { get; } = new()
    {
        Warmup = TimeSpan.FromSeconds(3),
        Duration = TimeSpan.FromSeconds(10),
        StoreAppenders = 32,
        ScatterTimelines = 1000,
        GrainConcurrency = 256,
        GrainKeys = 1024,
        HubConnections = 1000,
        HubParallelism = 8,
        HubInChildProcess = true,
    };
}

/// <summary>The machine's own limits for what Seqline does: store appends, grain calls and SignalR pushes.</summary>
public sealed record LimitsResult(StoreLimitResult Store, GrainLimitResult Grains, HubLimitResult Hub);

public static class LimitsScenario
{
    public static async Task<LimitsResult> RunAsync(LimitsOptions options, IBenchUi ui, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var store = await ui.PhaseAsync($"limits: raw {options.Store} store", 2, phase => StoreLimit.MeasureAsync(options, workDirectory, new Halves(phase)));
        var grains = await ui.PhaseAsync("limits: raw grain calls", 1, phase => GrainLimit.MeasureAsync(options, phase));
        var hub = await ui.PhaseAsync("limits: raw SignalR pushes", 1, phase => HubLimit.MeasureAsync(options, phase));
        var result = new LimitsResult(store, grains, hub);
        ui.Info($"raw store: {Format.Rate(store.BatchedRowsPerSecond)} rows/s batched, {Format.Rate(store.ScatteredRowsPerSecond)} rows/s scattered; " +
                $"raw grain calls: {Format.Rate(grains.CallsPerSecond)}/s; raw SignalR pushes: {Format.Rate(hub.PushesPerSecond)}/s");
        return result;
    }

    public static void Report(LimitsResult result, LimitsOptions options, ReportWriter report)
    {
        report.Heading("Limits: the machine's own ceilings");
        report.Paragraph($"Each measured for {options.Duration.TotalSeconds:0.#} s after {options.Warmup.TotalSeconds:0.#} s of warm-up.");
        report.Table(["limit", "rate", "how"],
        [
            ["raw store, batched", $"{Format.Rate(result.Store.BatchedRowsPerSecond)} rows/s",
                (options.Store == StorageProvider.Postgres
                    ? "PostgresTimelineStore on a private PostgreSQL server (Debian's, default settings: fsync on, synchronous_commit on)"
                    : "SqliteTimelineStore on the node's SqliteDatabase (WAL, synchronous=FULL, group commit)") + $"; {result.Store.Appenders} appenders, each {result.Store.Batch} rows of {result.Store.PayloadBytes} B per append to its own timeline"],
            ["raw store, scattered", $"{Format.Rate(result.Store.ScatteredRowsPerSecond)} rows/s",
                $"the same store; {result.Store.ScatterTimelines} timelines, one single-row append in flight on each (the shape of write fan-out)"],
            ["raw grain calls", $"{Format.Rate(result.Grains.CallsPerSecond)} calls/s",
                $"a ping grain on a silo in the bench process, {result.Grains.Concurrency} concurrent callers over {result.Grains.Grains} grains; p50 {Format.Ms(result.Grains.Latency.P50)} ms, p99 {Format.Ms(result.Grains.Latency.P99)} ms"],
            ["raw SignalR pushes", $"{Format.Rate(result.Hub.PushesPerSecond)} pushes/s",
                $"a hub without grains {(options.HubInChildProcess ? "in its own process" : "in the bench process")} pushing Seqline-shaped one-message batches to {result.Hub.Connections} connections; clients in the bench process" +
                (result.Hub.ServerCpuPercentOfCore is { } cpu ? $"; hub process CPU {cpu:0}% of a core" : "")],
        ]);
        Charts.Bars(report.PathOf("limits.png"), "Raw limits (per second)", "per second",
            ["store rows, batched", "store rows, scattered", "grain calls", "SignalR pushes"],
            [result.Store.BatchedRowsPerSecond, result.Store.ScatteredRowsPerSecond, result.Grains.CallsPerSecond, result.Hub.PushesPerSecond]);
        report.Image("limits.png", "raw limits");
    }

    /// <summary>Maps two sub-measurements onto one progress bar.</summary>
    private sealed class Halves(IPhase phase) : IPhase
    {
        private int _part = -1;
        private double _last = 1;

        public void Set(double value)
        {
            if (value < _last) _part++;
            _last = value;
            phase.Set(_part + value);
        }

        public void Describe(string text) => phase.Describe(text);
    }
}
