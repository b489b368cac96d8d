using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Conversations.ConversationGrainTests;

namespace Seqline.Tests.Lifecycle;

/// <summary>Unread counts, mentions, hiding and clearing, as the conversation list shows them.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class ConversationListTests(MemoryCluster cluster)
{
    private IConversationGrain Conversation(string id) => cluster.Grains.GetGrain<IConversationGrain>(id);
    private IInboxGrain Inbox(string user) => cluster.Grains.GetGrain<IInboxGrain>(user);

    private async Task<ConversationSummary> Row(string user, string id, long lastSeq)
    {
        await Eventually.True(async () => (await Inbox(user).GetConversations()).Single(c => c.ConversationId == id).LastSeq == lastSeq,
            TimeSpan.FromSeconds(60), $"{user}'s row to reach {lastSeq}");
        return (await Inbox(user).GetConversations()).Single(c => c.ConversationId == id);
    }

    [Fact]
    public async Task Unread_and_mentions_come_from_read_positions_not_counters()
    {
        var (id, alice, bob, carol) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        await Conversation(id).Create(new NewConversation(alice, [bob, carol], "team", ConversationKind.Group));
        await Conversation(id).Send(new OutgoingMessage(bob, "b1", $"morning @{alice}, see this"));
        await Conversation(id).Send(new OutgoingMessage(bob, "b2", "for carol", [carol, "not-a-member"]));
        await Conversation(id).Send(new OutgoingMessage(bob, "b3", $"me myself: @{bob}"));
        await Conversation(id).Send(new OutgoingMessage(alice, "a1", "alice's own"));
        await Conversation(id).Send(new OutgoingMessage(bob, "b4", "last"));

        // Alice's own message moved her read position to 4: what is unread is what came after.
        var aliceRow = await Row(alice, id, 5);
        Assert.Equal((4L, 1L, 0L), (aliceRow.ReadSeq, aliceRow.Unread, aliceRow.Mentions));
        var carolRow = await Row(carol, id, 5);
        Assert.Equal((0L, 5L, 1L), (carolRow.ReadSeq, carolRow.Unread, carolRow.Mentions));
        Assert.Equal((5L, 0L, 0L), ((await Row(bob, id, 5)).ReadSeq, (await Row(bob, id, 5)).Unread, (await Row(bob, id, 5)).Mentions));

        // Two of Carol's devices mark read at once, one behind the other: the furthest wins.
        await Task.WhenAll(Inbox(carol).MarkRead(id, 3), Inbox(carol).MarkRead(id, 1), Inbox(carol).MarkRead(id, 2));
        carolRow = await Row(carol, id, 5);
        Assert.Equal((3L, 2L, 0L), (carolRow.ReadSeq, carolRow.Unread, carolRow.Mentions));

        // A recall changes no count; a reset snapshot agrees with the list.
        await Conversation(id).Recall(bob, 5);
        await Eventually.True(async () => (await Inbox(carol).GetConversations()).Single().LastMessage?.Body == "", TimeSpan.FromSeconds(60), "the recall");
        var snapshot = (await Inbox(carol).Sync(null, 10)).Conversations!.Single();
        Assert.Equal((5L, 3L, 2L), (snapshot.LastSeq, snapshot.ReadSeq, snapshot.Unread));
    }

    [Fact]
    public async Task A_member_added_later_finds_only_what_came_after_unread()
    {
        var (id, alice, bob, dan) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("dan"));
        await Conversation(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        for (var i = 0; i < 3; i++) await Conversation(id).Send(new OutgoingMessage(bob, $"b{i}", "before dan"));
        await Conversation(id).ChangeMembers(new MembershipChange(alice, [dan], []));
        await Conversation(id).Send(new OutgoingMessage(bob, "b3", "welcome dan"));

        var row = await Row(dan, id, 4);
        Assert.Equal((3L, 1L), (row.ReadSeq, row.Unread));
    }

    [Fact]
    public async Task The_list_is_ordered_by_last_activity()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var ids = new[] { Ids.Conversation(), Ids.Conversation(), Ids.Conversation() };
        foreach (var id in ids) await Conversation(id).Create(new NewConversation(alice, [bob], id, ConversationKind.Group));
        foreach (var id in new[] { ids[1], ids[0], ids[2], ids[1] })
        {
            await Conversation(id).Send(new OutgoingMessage(bob, Ids.ClientMsg(), "ping"));
            await Task.Delay(5); // distinct millisecond timestamps
        }
        await Row(alice, ids[1], 2);
        await Row(alice, ids[0], 1);
        await Row(alice, ids[2], 1);
        Assert.Equal([ids[1], ids[2], ids[0]], (await Inbox(alice).GetConversations()).Select(c => c.ConversationId));
    }

    [Fact]
    public async Task Hiding_and_clearing_reach_all_the_users_devices_and_touch_nobody_else()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        await Conversation(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        var laptop = await new TestDevice(cluster.Grains, alice).Connect();
        for (var i = 1; i <= 5; i++) await Conversation(id).Send(new OutgoingMessage(bob, $"b{i}", $"m{i}"));
        await Row(alice, id, 5);

        await Inbox(alice).Hide(id, 4);
        var cleared = await Inbox(alice).Clear(id, 2);
        Assert.Equal((2L, 2L, 3L), (cleared.ClearedThrough, cleared.ReadSeq, cleared.Unread));
        await AssertRefused(ErrorCode.Invalid, () => Inbox(alice).Hide(id, 9));
        await AssertRefused(ErrorCode.Forbidden, () => Inbox(alice).Clear(Ids.Conversation(), 1));

        await laptop.PullAll();
        Assert.Equal(["hidden:4", "cleared:2"], laptop.Events.Where(e => e.Type is "hidden" or "cleared").Select(e => $"{e.Type}:{e.Seq}"));
        var hidden = await Inbox(alice).GetHidden(id);
        Assert.Equal(2, hidden.ClearedThrough);
        Assert.Equal([4L], hidden.Hidden);
        Assert.Equal(5, (await Conversation(id).ReadAfter(bob, 0, 10)).Messages.Count);
        Assert.Equal((0L, 0L), ((await Inbox(bob).GetHidden(id)).ClearedThrough, (long)(await Inbox(bob).GetHidden(id)).Hidden.Count));
    }
}
