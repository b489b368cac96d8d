using Orleans.TestingHost;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Recovery;

/// <summary>
/// Three silos forming a cluster through Azure Table membership, keeping timelines, grain state and
/// reminders in Azure Tables (Azurite). A silo leaves in the middle of the load; senders retry with
/// their clientMsgIds; nothing acknowledged may be lost or doubled.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClusterTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = AzureTestCluster.Builder(3, azurite);
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_silo_leaving_mid_load_loses_and_doubles_nothing()
    {
        var grains = _cluster.GrainFactory;
        var conversations = new List<(string Id, string[] Members)>();
        for (var c = 0; c < 4; c++)
        {
            var members = new[] { Ids.User("a"), Ids.User("b"), Ids.User("c") };
            var id = Ids.Conversation();
            await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(members[0], members, null, ConversationKind.Group));
            conversations.Add((id, members));
        }
        var devices = conversations.ToDictionary(c => c.Id, c => new TestDevice(grains, c.Members[1]));
        foreach (var device in devices.Values) await device.Connect();

        var acked = new System.Collections.Concurrent.ConcurrentDictionary<(string Conversation, string ClientMsgId), long>();
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int perSender = 25;
        var senders = conversations.SelectMany(c => c.Members.Take(2).Select(sender => Task.Run(async () =>
        {
            var conversation = grains.GetGrain<IConversationGrain>(c.Id);
            for (var i = 0; i < perSender; i++)
            {
                var clientMsgId = $"{sender}-{i}";
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var receipt = await conversation.Send(new OutgoingMessage(sender, clientMsgId, $"{sender} says {i}"));
                        Assert.True(acked.TryAdd((c.Id, clientMsgId), receipt.Seq) || acked[(c.Id, clientMsgId)] == receipt.Seq);
                        if (acked.Count >= 60) halfway.TrySetResult();
                        break;
                    }
                    catch (Exception) when (attempt < 20)
                    {
                        await Task.Delay(250 * attempt);
                    }
                }
            }
        }))).ToList();

        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await _cluster.StopSiloAsync(_cluster.SecondarySilos[0]);
        await Task.WhenAll(senders);
        Assert.Equal(2, _cluster.GetActiveSilos().Count());

        foreach (var (id, members) in conversations)
        {
            var history = new List<ChatMessage>();
            for (long after = 0; ;)
            {
                var page = await grains.GetGrain<IConversationGrain>(id).ReadAfter(members[0], after, 1000);
                history.AddRange(page.Messages);
                if (!page.HasMore) break;
                after = page.Messages[^1].Seq;
            }
            Assert.Equal(Enumerable.Range(1, 2 * perSender).Select(i => (long)i), history.Select(m => m.Seq));
            Assert.Equal(history.Count, history.Select(m => (m.SenderId, m.ClientMsgId)).Distinct().Count());
            foreach (var m in history) Assert.Equal(acked[(id, m.ClientMsgId)], m.Seq);

            var device = devices[id];
            await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count >= 2 * perSender; },
                TimeSpan.FromSeconds(60), $"the inbox of a member of {id} to be complete");
            Assert.Equal(history.Select(m => m.Seq), device.MessageSeqs(id));
        }
    }
}
