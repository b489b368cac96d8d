using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Storage.Sqlite;
using Seqline.Timelines;
using Seqline.Timelines.Sqlite;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A single Seqline silo in this process on SQLite files in <paramref name="dataDirectory"/>, set
/// up as the real node is; stop it and start another on the same folder to simulate a restart.
/// </summary>
public sealed class EmbeddedNode(string dataDirectory, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null) : IAsyncDisposable
{
    private IHost? _host;

    public IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host!.Services;

    public ITimelineStore InboxTimelines => _host!.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Inboxes);

    public SqliteTimelineStore ConversationTimelines =>
        (SqliteTimelineStore)_host!.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Conversations);

    /// <summary>A conversation's grain state as stored (not as its activation holds it in memory).</summary>
    public async Task<ConversationState> StoredState(string conversationId)
    {
        var state = new GrainState<ConversationState>(new ConversationState());
        await Services.GetRequiredKeyedService<IGrainStorage>(SeqlineStorage.GrainStateName)
            .ReadStateAsync("conversation", Grains.GetGrain<IConversationGrain>(conversationId).GetGrainId(), state);
        return state.State ?? new ConversationState();
    }

    public async Task<EmbeddedNode> Start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seqline:Conversations:FanoutRecoveryPeriod"] = "00:00:02",
            ["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey,
            ["Seqline:Cluster:SiloPort"] = LoopbackPorts.One().ToString(),
            ["Seqline:Cluster:GatewayPort"] = LoopbackPorts.One().ToString(),
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.UseOrleans(silo => silo
            .UseSeqlineClustering(configuration)
            .AddSeqlineGrains(configuration)
            .AddSeqlineSqlite(new SqliteOptions { DataDirectory = dataDirectory }));
        services?.Invoke(builder.Services);
        _host = builder.Build();
        await _host.StartAsync();
        return this;
    }

    public async Task Stop()
    {
        if (_host is null) return;
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
        _host = null;
    }

    public async ValueTask DisposeAsync() => await Stop();
}
