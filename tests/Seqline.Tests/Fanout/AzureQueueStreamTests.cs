using Azure.Storage.Queues;
using Orleans.TestingHost;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Fanout;

/// <summary>
/// A cluster whose conversation streams run on Azure Storage queues (Azurite) instead of the
/// silos' memory: read fan-out still reaches every listening inbox, whichever silo it lives on.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureQueueStreamTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _queuePrefix = "q" + Guid.NewGuid().ToString("N")[..10];
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = AzureTestCluster.Builder(2, azurite, new Dictionary<string, string>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "2",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
            ["Seqline:Fanout:StreamQueues"] = "AzureQueues",
            ["Seqline:Fanout:AzureQueues:QueuePrefix"] = _queuePrefix,
            ["Seqline:Fanout:AzureQueues:QueueCount"] = "4",
        }).Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Read_fan_out_pushes_travel_through_azure_queues_to_every_listening_inbox()
    {
        var grains = _cluster.GrainFactory;
        var (ann, id) = (Ids.User("ann"), Ids.Conversation());
        var members = new[] { Ids.User("bea"), Ids.User("cid"), Ids.User("dan"), Ids.User("eve") };
        var conversation = grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, members, null, ConversationKind.Group))).Fanout);
        await Eventually.True(async () =>
        {
            foreach (var m in members)
                if ((await grains.GetGrain<IInboxGrain>(m).GetConversations()).All(c => c.ConversationId != id)) return false;
            return true;
        }, TimeSpan.FromSeconds(30), "every member's inbox to know the group");

        var recorders = new Dictionary<string, InboxPushRecorder>();
        foreach (var member in members)
        {
            var recorder = recorders[member] = new InboxPushRecorder();
            await grains.GetGrain<IInboxGrain>(member).Subscribe(_cluster.Client.CreateObjectReference<IInboxObserver>(recorder));
        }

        for (var i = 1; i <= 3; i++) await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"hello {i}"));

        foreach (var (member, recorder) in recorders)
        {
            await Eventually.True(() => Task.FromResult(recorder.MessageSeqs(id).Count >= 3), TimeSpan.FromSeconds(60), $"{member}'s pushes");
            // Each once; Orleans may deliver one-way pushes out of order (an edge node reorders them).
            Assert.Equal([1L, 2L, 3L], recorder.MessageSeqs(id).Order());
        }
        // The streams ran on the configured queues, not in memory.
        var queues = new QueueServiceClient(azurite.ConnectionString).GetQueuesAsync(prefix: _queuePrefix);
        var names = new List<string>();
        await foreach (var queue in queues) names.Add(queue.Name);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"{_queuePrefix}-{i}"), names.Order());
    }
}
