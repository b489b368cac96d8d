using Seqline.Conversations;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Conversations;

/// <summary>
/// After a restart a conversation remembers the receipts of its newest DedupeWindow messages, read
/// back from its timeline newest page first, and goes on forgetting the oldest of them as it takes
/// new sends: a retry of any of the newest DedupeWindow gets its original seq.
/// </summary>
public sealed class DedupeWindowAfterRestartTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_retry_within_the_window_is_recognised_after_a_restart_when_the_timeline_is_longer_than_the_window()
    {
        var settings = new Dictionary<string, string?> { ["Seqline:Conversations:DedupeWindow"] = "1200" };
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        var clientMsgIds = new Dictionary<long, string>();

        await using (var node = await new EmbeddedNode(_data.Path, settings: settings).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(alice, [bob], "window", ConversationKind.Group));
            // In rounds of concurrent sends, so that they share appends and the test stays short.
            for (var round = 0; round < 13; round++)
            {
                var sends = Enumerable.Range(0, 100).Select(_ => Ids.ClientMsg())
                    .Select(async clientMsgId => (clientMsgId, await conversation.Send(new OutgoingMessage(alice, clientMsgId, "hello"))));
                foreach (var (clientMsgId, receipt) in await Task.WhenAll(sends)) clientMsgIds[receipt.Seq] = clientMsgId;
            }
            Assert.Equal(Enumerable.Range(1, 1300).Select(i => (long)i), clientMsgIds.Keys.Order());
        }

        await using (var node = await new EmbeddedNode(_data.Path, settings: settings).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            // New sends make room in the window: they push out the oldest receipts, never the newest.
            for (var seq = 1301; seq <= 1305; seq++)
                Assert.Equal(seq, (await conversation.Send(new OutgoingMessage(bob, $"b{seq}", "new"))).Seq);
            foreach (var seq in new[] { 301L, 302, 1300, 106 })
            {
                var retry = await conversation.Send(new OutgoingMessage(alice, clientMsgIds[seq], "hello again"));
                Assert.Equal((seq, true), (retry.Seq, retry.Duplicate));
            }
            Assert.Equal(1305, (await conversation.Get(alice)).LastSeq);
            var newest = Assert.Single((await conversation.ReadBefore(alice, null, 1)).Messages);
            Assert.Equal((1305L, "new"), (newest.Seq, newest.Body));
        }
    }

    public void Dispose() => _data.Dispose();
}
