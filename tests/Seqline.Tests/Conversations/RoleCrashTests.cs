using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A role change whose writes fail part-way, on an SQLite node with faults injected: the next
/// activation finishes it, so that the roles stored and the notices members get agree, each notice
/// once and at the seq it was given.
/// </summary>
public sealed class RoleCrashTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    private static async Task<(IConversationGrain Conversation, string Id, string Ann, string Bob, TestDevice Bobs)> NewGroup(EmbeddedNode node)
    {
        var (ann, bob, id) = (Ids.User("ann"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        // The fan-out of the first message writes the state in the background: the faults below are for the change's writes.
        var fannedOut = FaultPlan.WatchNext("state.write", id);
        await conversation.Send(new OutgoingMessage(ann, "a1", "hello"));
        await fannedOut.WaitAsync(Within);
        return (conversation, id, ann, bob, bobs);
    }

    private static async Task<List<SyncEvent>> RoleEventsOnceSettled(TestDevice device, string id, int count)
    {
        await Eventually.True(async () => { await device.PullAll(); return device.Events.Count(e => e.Type == SyncEventTypes.Role) >= count; },
            Within, $"{device.UserId} to get {count} role events");
        // Another message after the notices: had a notice come twice, it would be here by now.
        await device.PullUntil(id, 2, Within);
        return device.Events.Where(e => e.Type == SyncEventTypes.Role).ToList();
    }

    [Theory]
    [InlineData(FaultKind.Before)]
    [InlineData(FaultKind.After)]
    public async Task A_notice_whose_append_failed_is_appended_by_the_next_activation_once(FaultKind fault)
    {
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection()).Start();
        var (conversation, id, ann, bob, bobs) = await NewGroup(node);

        FaultPlan.FailNext("conversations.append", id, fault);
        await Assert.ThrowsAnyAsync<Exception>(() => conversation.SetRole(new RoleChange(ann, bob, MemberRole.Admin)));

        // The role was stored with its notice pending: a retry finds it done, and the notice is at seq 2 either way.
        var view = await Retried(() => conversation.SetRole(new RoleChange(ann, bob, MemberRole.Admin)));
        Assert.Equal([bob], view.Admins!);
        Assert.Equal(2, view.LastSeq);
        await Retried(() => conversation.Send(new OutgoingMessage(ann, "a2", "after")));

        var role = Assert.Single(await RoleEventsOnceSettled(bobs, id, 1));
        Assert.Equal((2L, bob, MemberRole.Admin), (role.Seq, role.UserId, role.Role));
        Assert.Equal([1L, 3L], bobs.MessageSeqs(id));
    }

    [Fact]
    public async Task An_owner_who_left_before_the_handover_was_stored_leaves_the_group_to_the_heir_on_the_next_activation()
    {
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection()).Start();
        var (conversation, id, ann, bob, bobs) = await NewGroup(node);

        // The rows say ann left; the state that hands the group on is never written.
        FaultPlan.FailNext("state.write", id, FaultKind.Before);
        await Assert.ThrowsAnyAsync<Exception>(() => conversation.ChangeMembers(new MembershipChange(ann, [], [ann])));

        var view = await Retried(() => conversation.Get(bob));
        Assert.Equal([bob], view.Members);
        Assert.Equal(bob, view.Owner);
        await Retried(() => conversation.Send(new OutgoingMessage(bob, "b1", "mine now")));

        var role = Assert.Single(await RoleEventsOnceSettled(bobs, id, 1));
        Assert.Equal((2L, ann, bob, MemberRole.Owner), (role.Seq, role.SenderId, role.UserId, role.Role));
    }

    // A call refused while the conversation restarts is tried again, as a client would.
    private static Task<T> Retried<T>(Func<Task<T>> call) => Eventually.Succeeds(call, Within);

    public void Dispose() => _data.Dispose();
}
