using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Simulation;

/// <summary>Which stores the simulated node keeps timelines and rows in.</summary>
public enum SimulationStore
{
    Sqlite,
    Memory,
}

/// <summary>
/// One Seqline silo in this process, set up as the embedded node is but with every store behind a
/// fault-injecting decorator, and with thresholds and periods small enough that a short schedule
/// crosses the read-fan-out threshold and recovers from a crash within a second. Grain state and
/// reminders are always on SQLite; timelines and rows on SQLite or in memory.
/// </summary>
public sealed class SimulationNode(SimulationStore store) : IAsyncDisposable
{
    /// <summary>Above this many members a simulated conversation reads its fan-out; at or below the next it writes it.</summary>
    public const int ReadFanoutAbove = 3;
    public const int WriteFanoutAtOrBelow = 2;

    private readonly TempDirectory _data = new();
    private IHost? _host;

    public SimulationStore Store => store;
    public IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();
    public IServiceProvider Services => _host!.Services;

    /// <summary>The stores as they are, without faults: what the oracle reads.</summary>
    public ITimelineStore Conversations => Unwrapped<ITimelineStore>(TimelineStoreNames.Conversations);
    public ITimelineStore Inboxes => Unwrapped<ITimelineStore>(TimelineStoreNames.Inboxes);
    public IRowStore Members => ((FaultyRowStore)Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.Members)).Inner;
    public IGrainStorage GrainState => Services.GetRequiredKeyedService<IGrainStorage>(SeqlineStorage.GrainStateName);
    public IReminderTable Reminders => ((FaultyReminderTable)Services.GetRequiredService<IReminderTable>()).Inner;

    private ITimelineStore Unwrapped<T>(string name) => ((FaultyTimelineStore)Services.GetRequiredKeyedService<ITimelineStore>(name)).Inner;

    public async Task<SimulationNode> Start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey,
            ["Seqline:Cluster:SiloPort"] = LoopbackPorts.One().ToString(),
            ["Seqline:Cluster:GatewayPort"] = LoopbackPorts.One().ToString(),
            ["Seqline:Fanout:ReadFanoutAbove"] = ReadFanoutAbove.ToString(),
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = WriteFanoutAtOrBelow.ToString(),
            ["Seqline:Conversations:FanoutRecoveryPeriod"] = "00:00:01",
            ["Seqline:Conversations:FanoutRetryMaxDelay"] = "00:00:00.200",
            // Small pages and batches, so that schedules of a few dozen messages cross their edges.
            ["Seqline:Conversations:FanoutBatch"] = "3",
            ["Seqline:Conversations:MaxCommitBatch"] = "4",
            ["Seqline:Sync:CheckpointEvents"] = "5",
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders().AddConsole().AddFilter((_, _, level) => level >= LogLevel.Error).AddFilter("Seqline", Enum.Parse<LogLevel>(Environment.GetEnvironmentVariable("SEQLINE_SIM_LOG") ?? "Error"));
        var sqlite = new SqliteOptions { DataDirectory = _data.Path, Synchronous = SqliteSynchronous.Normal };
        builder.UseOrleans(silo =>
        {
            silo.UseSeqlineClustering(configuration).AddSeqlineGrains(configuration).AddSeqlineSqlite(sqlite);
            silo.Services.AddFaultInjection(store);
        });
        _host = builder.Build();
        await _host.StartAsync();
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
            _host.Dispose();
        }
        _data.Dispose();
    }
}
