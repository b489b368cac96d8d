using Seqline.Conversations;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Conversations;

/// <summary>Many senders at once: one contiguous timeline, every send acknowledged exactly once.</summary>
public static class ConcurrentSends
{
    public static async Task<string> Run(IGrainFactory grains, int senders, int messagesEach)
    {
        var users = Enumerable.Range(0, senders).Select(i => Ids.User($"s{i}")).ToList();
        var id = Ids.Conversation();
        var conversation = grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(users[0], users, "crowd", ConversationKind.Group));

        var receipts = await Task.WhenAll(users.Select(async user =>
        {
            var mine = new List<SendReceipt>();
            for (var i = 0; i < messagesEach; i++)
                mine.Add(await conversation.Send(new OutgoingMessage(user, $"m{i}", $"{user} #{i}")));
            return mine;
        }));

        var all = receipts.SelectMany(r => r).ToList();
        Assert.All(all, r => Assert.False(r.Duplicate));
        Assert.Equal(Enumerable.Range(1, senders * messagesEach).Select(i => (long)i), all.Select(r => r.Seq).Order());

        // The timeline agrees with the receipts, message by message.
        var stored = new List<ChatMessage>();
        for (long after = 0; ;)
        {
            var page = await conversation.ReadAfter(users[0], after, 1000);
            stored.AddRange(page.Messages);
            if (!page.HasMore) break;
            after = page.Messages[^1].Seq;
        }
        Assert.Equal(all.Count, stored.Count);
        var bySeq = stored.ToDictionary(m => m.Seq);
        foreach (var (user, mine) in users.Zip(receipts))
        {
            for (var i = 0; i < mine.Count; i++) Assert.Equal($"{user} #{i}", bySeq[mine[i].Seq].Body);
            // One sender's messages keep their order.
            Assert.Equal(mine.Select(r => r.Seq).Order(), mine.Select(r => r.Seq));
        }
        return id;
    }
}

[Collection(MemoryClusterCollection.Name)]
public sealed class ConcurrentSendOnClusterTests(MemoryCluster cluster)
{
    [Fact]
    public async Task Two_hundred_concurrent_senders_through_a_three_silo_cluster_get_seqs_one_to_n()
    {
        Assert.Equal(3, cluster.Cluster.GetActiveSilos().Count());
        await ConcurrentSends.Run(cluster.Grains, senders: 200, messagesEach: 3);
    }
}
