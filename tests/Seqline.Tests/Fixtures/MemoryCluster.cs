using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.Memory;
using Seqline.Timelines;
using Seqline.Timelines.Memory;

namespace Seqline.Tests.Fixtures;

/// <summary>A three-silo TestCluster on memory storage, shared by the tests of one collection.</summary>
public sealed class MemoryCluster : IAsyncLifetime
{
    // In-process silos share these, as real silos would share a database.
    internal static readonly MemoryTimelineStore Conversations = new();
    internal static readonly MemoryTimelineStore Inboxes = new();
    internal static readonly MemoryRowStore Members = new();
    internal static readonly MemoryRowStore ConversationIndex = new();

    public TestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.GrainFactory;
    public long ConversationEntriesAppended => Conversations.EntriesAppended;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<Silo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddSeqlineGrains(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey }).Build());
            silo.Services.AddKeyedSingleton<ITimelineStore>(TimelineStoreNames.Conversations, Conversations);
            silo.Services.AddKeyedSingleton<ITimelineStore>(TimelineStoreNames.Inboxes, Inboxes);
            silo.Services.AddKeyedSingleton<IRowStore>(RowStoreNames.Members, Members);
            silo.Services.AddKeyedSingleton<IRowStore>(RowStoreNames.ConversationIndex, ConversationIndex);
            silo.AddMemoryGrainStorage(SeqlineStorage.GrainStateName);
            silo.AddMemoryGrainStorage(SeqlineSiloBuilderExtensions.PubSubStore);
            silo.UseInMemoryReminderService();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MemoryClusterCollection : ICollectionFixture<MemoryCluster>
{
    public const string Name = "Memory cluster";
}
