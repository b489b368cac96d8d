using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Fanout;

/// <summary>
/// An inbox reads a read-fan-out conversation's timeline directly, so what it may read must not
/// depend on a notice having reached it: a removal, or a switch back to write fan-out, holds from
/// its seq on however late its inbox hears of it.
/// </summary>
public sealed class ReadFanoutBoundsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    // Groups of more than three read their fan-out; two or fewer write it again.
    private static readonly Dictionary<string, string?> Thresholds = new()
    {
        ["Seqline:Fanout:ReadFanoutAbove"] = "3",
        ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "2",
        ["Seqline:Conversations:FanoutRetryMaxDelay"] = "00:00:00.500",
    };

    [Fact]
    public async Task A_removed_member_reads_and_is_pushed_nothing_from_their_removal_however_late_the_notice()
    {
        var gate = new UnreachableInboxGate();
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(gate), Thresholds).Start();
        var (ann, bob, cid, dan, eve, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.User("dan"), Ids.User("eve"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bob, cid, dan, eve], null, ConversationKind.Group))).Fanout);
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        var bobsPushes = new InboxPushRecorder();
        var cidsPushes = new InboxPushRecorder();
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Count == 1, TimeSpan.FromSeconds(30), "bob's join");
        await node.Grains.GetGrain<IInboxGrain>(bob).Subscribe(node.Grains.CreateObjectReference<IInboxObserver>(bobsPushes));
        await node.Grains.GetGrain<IInboxGrain>(cid).Subscribe(node.Grains.CreateObjectReference<IInboxObserver>(cidsPushes));
        await conversation.Send(new OutgoingMessage(ann, "a1", "bob still hears this"));

        // Bob's inbox cannot be told he is out; the group goes on without him.
        gate.CutOff(bob);
        await conversation.ChangeMembers(new MembershipChange(ann, [], [bob]));
        var after = await Task.WhenAll(Enumerable.Range(2, 3).Select(i => conversation.Send(new OutgoingMessage(ann, $"a{i}", $"bob is gone {i}"))));
        Assert.Equal([2L, 3L, 4L], after.Select(r => r.Seq).Order());
        await Eventually.True(() => Task.FromResult(cidsPushes.MessageSeqs(id).Contains(4)), TimeSpan.FromSeconds(30),
            "cid to be pushed what was sent after bob's removal, while bob's inbox is unreachable");

        await bobs.PullAll();
        Assert.Equal([1L], bobs.MessageSeqs(id));
        Assert.DoesNotContain(bobsPushes.MessageSeqs(id), seq => seq >= 2);
        var bobsRow = (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Single();
        Assert.Equal(1, bobsRow.LastSeq);

        // Once his inbox is reached, he learns he left after seq 1, and still nothing later.
        gate.Reconnect(bob);
        await Eventually.True(async () => { await bobs.PullAll(); return bobs.Events.Any(e => e.Type == SyncEventTypes.Left); },
            TimeSpan.FromSeconds(30), "bob to learn he left");
        Assert.Equal(1, bobs.Events.Single(e => e.Type == SyncEventTypes.Left).Seq);
        Assert.Equal([1L], bobs.MessageSeqs(id));
        Assert.DoesNotContain(bobsPushes.MessageSeqs(id), seq => seq >= 2);
        Assert.Empty(await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations());
    }

    [Fact]
    public async Task An_inbox_not_told_of_a_switch_back_reads_nothing_that_will_come_to_it_as_a_copy()
    {
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(), Thresholds).Start();
        var (ann, bob, cid, dan, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.User("dan"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bob, cid, dan], null, ConversationKind.Group))).Fanout);
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Count == 1, TimeSpan.FromSeconds(30), "bob's join");
        await conversation.Send(new OutgoingMessage(ann, "a1", "read from the timeline"));

        // Bob's inbox cannot take the switch back to write fan-out: he falls behind, and in the
        // meantime reads the conversation's timeline himself.
        FaultPlan.FailNext("inboxes.append", bob, FaultKind.Before, times: 1000);
        Assert.Equal(FanoutMode.Write, (await conversation.ChangeMembers(new MembershipChange(ann, [], [cid, dan]))).Fanout);
        await conversation.Send(new OutgoingMessage(ann, "a2", "comes as a copy"));
        await conversation.Send(new OutgoingMessage(ann, "a3", "comes as a copy too"));
        // His inbox restarts after the failed append; a pull waits for the new activation.
        await Eventually.True(async () => await PulledAll(bobs), TimeSpan.FromSeconds(30), "bob's pull");
        Assert.Equal([1L], bobs.MessageSeqs(id));

        FaultPlan.Clear("inboxes.append", bob);
        await Eventually.True(async () => { await bobs.PullAll(); return bobs.MessageSeqs(id).Count >= 3; },
            TimeSpan.FromSeconds(30), "bob's inbox to catch up");
        Assert.Equal([1L, 2L, 3L], bobs.MessageSeqs(id));
    }

    private static async Task<bool> PulledAll(TestDevice device)
    {
        try
        {
            await device.PullAll();
            return true;
        }
        catch (SeqlineException e) when (e.Code == ErrorCode.Unavailable)
        {
            return false;
        }
    }

    public void Dispose() => _data.Dispose();
}
