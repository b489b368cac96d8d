using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A conversation whose write failed does not know what storage holds: it takes no membership
/// change at a seq it guessed, and a switch of fan-out mode whose write failed delivers nothing twice.
/// </summary>
public sealed class FailedWriteTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task After_a_failed_append_a_removal_takes_effect_from_the_next_stored_seq()
    {
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection()).Start();
        var (ann, bob, cid, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var cids = await new TestDevice(node.Grains, cid).Connect();
        await conversation.Create(new NewConversation(ann, [bob, cid], null, ConversationKind.Group));

        // The append of a1 is held, a removal comes in meanwhile, then the append fails: nothing was stored.
        var (held, release) = FaultPlan.HoldNext("conversations.append", id);
        FaultPlan.FailNext("conversations.append", id, FaultKind.Before);
        var send = conversation.Send(new OutgoingMessage(ann, "a1", "not stored"));
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        var removal = Retried(() => conversation.ChangeMembers(new MembershipChange(ann, [], [cid])));
        release.SetResult();
        await Assert.ThrowsAnyAsync<Exception>(() => send);
        await removal;
        var receipt = await Retried(() => conversation.Send(new OutgoingMessage(ann, "a1", "sent after cid left")));
        Assert.Equal(1, receipt.Seq);

        await Eventually.True(async () => { await cids.PullAll(); return cids.Events.Any(e => e.Type == SyncEventTypes.Left); },
            TimeSpan.FromSeconds(30), "cid to learn she left");
        Assert.Empty(cids.MessageSeqs(id));
        Assert.Equal(0, cids.Events.Single(e => e.Type == SyncEventTypes.Left).Seq);
    }

    [Fact]
    public async Task A_switch_to_read_fan_out_whose_state_write_failed_delivers_every_message_once()
    {
        var settings = new Dictionary<string, string?> { ["Seqline:Fanout:ReadFanoutAbove"] = "2", ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1" };
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(), settings).Start();
        var (ann, bob, cid, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var devices = new[] { ann, bob, cid }.ToDictionary(u => u, u => new TestDevice(node.Grains, u));
        foreach (var device in devices.Values) await device.Connect();
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        // The fan-out of a1 writes the state in the background: the fault below is for the change's write.
        var fannedOut = FaultPlan.WatchNext("state.write", id);
        await conversation.Send(new OutgoingMessage(ann, "a1", "written"));
        await fannedOut.WaitAsync(TimeSpan.FromSeconds(60));

        // The change's state write lands, but the call fails: the switch is stored, the activation goes.
        FaultPlan.FailNext("state.write", id, FaultKind.After);
        await Assert.ThrowsAnyAsync<Exception>(() => conversation.ChangeMembers(new MembershipChange(ann, [cid], [])));
        Assert.Equal(FanoutMode.Read, (await Retried(() => conversation.ChangeMembers(new MembershipChange(ann, [cid], [])))).Fanout);
        foreach (var i in Enumerable.Range(2, 3)) await Retried(() => conversation.Send(new OutgoingMessage(ann, $"a{i}", $"read {i}")));

        await Eventually.True(async () =>
        {
            foreach (var device in devices.Values) await device.PullAll();
            return devices[ann].MessageSeqs(id).Count >= 4 && devices[bob].MessageSeqs(id).Count >= 4 && devices[cid].MessageSeqs(id).Count >= 3;
        }, TimeSpan.FromSeconds(30), "every device to have every message");
        Assert.Equal([1L, 2L, 3L, 4L], devices[ann].MessageSeqs(id));
        Assert.Equal([1L, 2L, 3L, 4L], devices[bob].MessageSeqs(id));
        Assert.Equal([2L, 3L, 4L], devices[cid].MessageSeqs(id));
    }

    // A call refused while the conversation restarts is tried again, as a client would.
    private static Task<T> Retried<T>(Func<Task<T>> call) => Eventually.Succeeds(call, TimeSpan.FromSeconds(30));

    public void Dispose() => _data.Dispose();
}
