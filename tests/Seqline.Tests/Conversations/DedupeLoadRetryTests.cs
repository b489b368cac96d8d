using Seqline.Conversations;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A reactivated conversation reads its recent receipts back from its timeline at its first send.
/// If that read fails, the send is refused as unavailable and the next send reads them again: one
/// failed read must not refuse every send of the activation, nor lose the receipts.
/// </summary>
public sealed class DedupeLoadRetryTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task After_a_failed_load_of_the_receipts_the_next_send_loads_them_and_goes_through()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        await using (var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection()).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(alice, [bob], "retry", ConversationKind.Group));
            for (var i = 1; i <= 3; i++) await conversation.Send(new OutgoingMessage(alice, $"m{i}", $"message {i}"));
        }

        await using (var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection()).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            FaultPlan.FailNext("conversations.readbefore", id, FaultKind.Before);

            var refused = await Assert.ThrowsAsync<SeqlineException>(() => conversation.Send(new OutgoingMessage(alice, "m4", "message 4")));
            Assert.Equal(ErrorCode.Unavailable, refused.Code);
            Assert.False(FaultPlan.Pending("conversations.readbefore", id), "the first send read the receipts, and that read failed");

            var sent = await conversation.Send(new OutgoingMessage(alice, "m4", "message 4"));
            Assert.Equal((4L, false), (sent.Seq, sent.Duplicate));
            var retry = await conversation.Send(new OutgoingMessage(alice, "m1", "message 1"));
            Assert.Equal((1L, true), (retry.Seq, retry.Duplicate));
            Assert.Equal(4, (await conversation.Get(alice)).LastSeq);
        }
    }

    public void Dispose() => _data.Dispose();
}
