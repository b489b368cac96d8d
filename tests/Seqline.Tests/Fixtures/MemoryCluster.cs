using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Seqline.Hosting;
using Seqline.Storage.Rows.Memory;
using Seqline.Timelines.Memory;

namespace Seqline.Tests.Fixtures;

/// <summary>A three-silo TestCluster on memory storage, shared by the tests of one collection.</summary>
public sealed class MemoryCluster : IAsyncLifetime
{
    // In-process silos share these, as real silos would share a database.
    private static readonly SeqlineMemoryStores Stores = new();
    internal static readonly MemoryTimelineStore Conversations = Stores.Conversations;
    internal static readonly MemoryTimelineStore Inboxes = Stores.Inboxes;
    internal static readonly MemoryRowStore Members = Stores.Members;
    internal static readonly MemoryRowStore ConversationIndex = Stores.ConversationIndex;

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
            silo.AddSeqlineGrains(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey }).Build())
                .AddSeqlineInMemory(Stores);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MemoryClusterCollection : ICollectionFixture<MemoryCluster>
{
    public const string Name = "Memory cluster";
}
