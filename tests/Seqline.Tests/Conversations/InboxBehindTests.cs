using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Conversations;

/// <summary>
/// An inbox that cannot be reached falls behind on its own: the conversation goes on delivering to
/// everyone else, and later brings that inbox up to date in order, its joins and removals included.
/// </summary>
public sealed class InboxBehindTests : IDisposable
{
    private readonly TempDirectory _data = new();

    private static readonly Dictionary<string, string?> QuickRetries = new() { ["Seqline:Conversations:FanoutRetryMaxDelay"] = "00:00:00.500" };

    [Fact]
    public async Task A_user_removed_and_added_again_before_the_notice_lands_gets_left_then_joined_and_nothing_between()
    {
        var gate = new UnreachableInboxGate();
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(gate), QuickRetries).Start();
        var (ann, bob, cid, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        await conversation.Create(new NewConversation(ann, [bob, cid], null, ConversationKind.Group));
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Count == 1, TimeSpan.FromSeconds(30), "bob's join");
        await conversation.Send(new OutgoingMessage(ann, "a1", "before"));

        gate.CutOff(bob);
        await conversation.ChangeMembers(new MembershipChange(ann, [], [bob]));
        await conversation.Send(new OutgoingMessage(ann, "a2", "while bob is out"));
        await conversation.ChangeMembers(new MembershipChange(ann, [bob], []));
        await conversation.Send(new OutgoingMessage(ann, "a3", "bob is back"));
        gate.Reconnect(bob);

        await Eventually.True(async () => { await bobs.PullAll(); return bobs.MessageSeqs(id).Contains(3); }, TimeSpan.FromSeconds(30), "bob's inbox to catch up");
        var seen = bobs.Events.Where(e => e.ConversationId == id).Select(e => (e.Type, e.Seq)).ToList();
        Assert.Equal([(SyncEventTypes.Joined, 1L), (SyncEventTypes.Message, 1L), (SyncEventTypes.Left, 1L), (SyncEventTypes.Joined, 3L), (SyncEventTypes.Message, 3L)],
            seen.Where(e => e.Type is SyncEventTypes.Joined or SyncEventTypes.Left or SyncEventTypes.Message));
        var row = (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Single();
        Assert.Equal((3L, 2L), (row.LastSeq, row.ReadSeq));
    }

    [Fact]
    public async Task One_inbox_that_cannot_be_reached_holds_up_no_other_member()
    {
        // Batches of two: what comes after the first batch is not retried along with it.
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(),
            new Dictionary<string, string?>(QuickRetries) { ["Seqline:Conversations:FanoutBatch"] = "2" }).Start();
        var (ann, bob, cid, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob, cid], null, ConversationKind.Group));
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        var cids = await new TestDevice(node.Grains, cid).Connect();
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(cid).GetConversations()).Count == 1, TimeSpan.FromSeconds(30), "cid's join");

        // Cid's inbox refuses every append for now.
        FaultPlan.FailNext("inboxes.append", cid, FaultKind.Before, times: 10_000);
        foreach (var i in Enumerable.Range(1, 5))
        {
            await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"message {i}"));
            await Eventually.True(async () => { await bobs.PullAll(); return bobs.MessageSeqs(id).Contains(i); },
                TimeSpan.FromSeconds(30), $"bob to get message {i} while cid's inbox fails");
        }
        Assert.True(FaultPlan.Pending("inboxes.append", cid), "cid's inbox was failing all along");

        FaultPlan.Clear("inboxes.append", cid);
        await Eventually.True(async () =>
        {
            try { await cids.PullAll(); } catch (SeqlineException e) when (e.Code == ErrorCode.Unavailable) { return false; }
            return cids.MessageSeqs(id).Count >= 5;
        }, TimeSpan.FromSeconds(30), "cid's inbox to catch up");
        Assert.Equal([1L, 2L, 3L, 4L, 5L], cids.MessageSeqs(id));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], bobs.MessageSeqs(id));
    }

    public void Dispose() => _data.Dispose();
}
