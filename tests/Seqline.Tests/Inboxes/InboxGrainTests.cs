using System.Text.Json;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Conversations.ConversationGrainTests;

namespace Seqline.Tests.Inboxes;

[Collection(MemoryClusterCollection.Name)]
public sealed class InboxGrainTests(MemoryCluster cluster)
{
    private readonly TimeSpan _fanoutWait = TimeSpan.FromSeconds(60);

    private IConversationGrain Conversation(string id) => cluster.Grains.GetGrain<IConversationGrain>(id);
    private IInboxGrain Inbox(string user) => cluster.Grains.GetGrain<IInboxGrain>(user);

    [Fact]
    public async Task Every_member_and_every_device_gets_every_message_in_order_the_sender_included()
    {
        var (id, alice, bob, carol) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        var alicePhone = await new TestDevice(cluster.Grains, alice).Connect();
        var aliceLaptop = await new TestDevice(cluster.Grains, alice).Connect();
        var bobPhone = await new TestDevice(cluster.Grains, bob).Connect();
        var carolPhone = await new TestDevice(cluster.Grains, carol).Connect();
        await Conversation(id).Create(new NewConversation(alice, [bob, carol], "trio", ConversationKind.Group));

        for (var i = 0; i < 30; i++)
            await Conversation(id).Send(new OutgoingMessage(new[] { alice, bob, carol }[i % 3], Ids.ClientMsg(), $"m{i}"));

        var expected = Enumerable.Range(1, 30).Select(i => (long)i).ToList();
        foreach (var device in new[] { alicePhone, aliceLaptop, bobPhone, carolPhone })
        {
            await Eventually.True(async () => { await device.PullAll(limit: 7); return device.MessageSeqs(id).Count >= 30; },
                _fanoutWait, $"{device.UserId} to get 30 messages");
            Assert.Equal(expected, device.MessageSeqs(id));
        }
        Assert.Equal(alicePhone.Events, aliceLaptop.Events);
        Assert.Equal("m29", alicePhone.Events[^1].Body);
    }

    [Fact]
    public async Task Read_markers_move_forward_only_and_drive_unread_counts()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        await Conversation(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        for (var i = 0; i < 5; i++) await Conversation(id).Send(new OutgoingMessage(alice, Ids.ClientMsg(), $"m{i}"));
        await Eventually.True(async () => (await Inbox(bob).GetConversations()).Single().LastSeq == 5, _fanoutWait, "fan-out");

        Assert.Equal(5, (await Inbox(bob).GetConversations()).Single().Unread);
        Assert.Equal(0, (await Inbox(alice).GetConversations()).Single().Unread);

        Assert.Equal((3L, 2L), Pair(await Inbox(bob).MarkRead(id, 3)));
        Assert.Equal((3L, 2L), Pair(await Inbox(bob).MarkRead(id, 1)));
        Assert.Equal((5L, 0L), Pair(await Inbox(bob).MarkRead(id, 99)));

        // Sending means having read the conversation up to one's own message.
        await Conversation(id).Send(new OutgoingMessage(bob, Ids.ClientMsg(), "bob's own"));
        foreach (var user in new[] { alice, bob })
            await Eventually.True(async () => (await Inbox(user).GetConversations()).Single().LastSeq == 6, _fanoutWait, "fan-out");
        Assert.Equal((6L, 0L), Pair((await Inbox(bob).GetConversations()).Single()));
        Assert.Equal((5L, 1L), Pair((await Inbox(alice).GetConversations()).Single()));

        static (long ReadSeq, long Unread) Pair(ConversationSummary s) => (s.ReadSeq, s.Unread);
    }

    [Fact]
    public async Task A_read_marker_is_an_event_for_the_users_other_devices()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        await Conversation(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        await Conversation(id).Send(new OutgoingMessage(alice, Ids.ClientMsg(), "one"));
        await Conversation(id).Send(new OutgoingMessage(alice, Ids.ClientMsg(), "two"));
        await Eventually.True(async () => (await Inbox(bob).GetConversations()).Single().LastSeq == 2, _fanoutWait, "fan-out");
        var tablet = await new TestDevice(cluster.Grains, bob).Connect();

        await Inbox(bob).MarkRead(id, 2);

        var read = Assert.Single(await tablet.PullAll());
        Assert.Equal(new SyncEvent(SyncEventTypes.Read, id, 2), read);
    }

    [Fact]
    public async Task A_first_sync_is_a_reset_with_the_conversation_list()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        await Conversation(id).Create(new NewConversation(alice, [bob], "plans", ConversationKind.Group));
        await Conversation(id).Send(new OutgoingMessage(alice, Ids.ClientMsg(), "lunch?"));
        await Eventually.True(async () => (await Inbox(bob).GetConversations()).Single().LastSeq == 1, _fanoutWait, "fan-out");

        var page = await Inbox(bob).Sync(null, 50);

        Assert.True(page.Reset);
        Assert.Empty(page.Events);
        Assert.False(page.HasMore);
        var row = Assert.Single(page.Conversations!);
        Assert.Equal((id, "plans", 1L, 0L, 1L), (row.ConversationId, row.Title, row.LastSeq, row.ReadSeq, row.Unread));
        Assert.Equal("lunch?", row.LastMessage!.Body);
        Assert.Empty((await Inbox(bob).Sync(page.Cursor, 50)).Events);
    }

    [Fact]
    public async Task Delivering_the_same_messages_twice_appends_them_once_and_only_after_the_join()
    {
        var bob = Ids.User("bob");
        var device = await new TestDevice(cluster.Grains, bob).Connect();
        var conversation = new ConversationRef(Ids.Conversation(), ConversationKind.Group, null, FanoutMode.Write);
        ChatMessage Message(long seq) => new(conversation.ConversationId, seq, "alice", $"c{seq}", DateTimeOffset.UnixEpoch, $"m{seq}");

        // Messages of a conversation the inbox has not joined are refused, so the conversation tells the join first.
        var refused = await Assert.ThrowsAsync<SeqlineException>(() => Inbox(bob).Deliver(new InboxDelivery(conversation, [Message(1)])));
        Assert.Equal(ErrorCode.Conflict, refused.Code);
        await Inbox(bob).Join(conversation);
        await Inbox(bob).Deliver(new InboxDelivery(conversation, [Message(1), Message(2)]));
        await Inbox(bob).Deliver(new InboxDelivery(conversation, [Message(1), Message(2), Message(3)]));
        await Inbox(bob).Deliver(new InboxDelivery(conversation, [Message(2)]));

        await device.PullAll();
        Assert.Equal(new long[] { 1, 2, 3 }, device.MessageSeqs(conversation.ConversationId));
    }

    [Fact]
    public async Task Bad_cursors_and_limits_are_refused_and_change_nothing()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        var bobDevice = await new TestDevice(cluster.Grains, bob).Connect();
        var good = bobDevice.Cursor!;
        var alicesCursor = (await Inbox(alice).Sync(null, 10)).Cursor;
        await Conversation(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        await Conversation(id).Send(new OutgoingMessage(alice, Ids.ClientMsg(), "one"));
        await Eventually.True(async () => (await Inbox(bob).GetConversations()).SingleOrDefault()?.LastSeq == 1, _fanoutWait, "fan-out");
        var before = await Snapshot(bob, good);

        async Task Refused(ErrorCode code, Func<IInboxGrain, Task> call)
        {
            await AssertRefused(code, () => call(Inbox(bob)));
            Assert.Equal(before, await Snapshot(bob, good));
        }
        var tampered = good[..^3] + (good[^3] == 'A' ? "B" : "A") + good[^2..];
        await Refused(ErrorCode.Invalid, inbox => inbox.Sync(tampered, 10));
        await Refused(ErrorCode.Invalid, inbox => inbox.Sync("not a cursor", 10));
        await Refused(ErrorCode.Invalid, inbox => inbox.Sync(new string('A', 600), 10));
        await Refused(ErrorCode.Forbidden, inbox => inbox.Sync(alicesCursor, 10));
        await Refused(ErrorCode.Invalid, inbox => inbox.Sync(good, 0));
        await Refused(ErrorCode.Invalid, inbox => inbox.Sync(good, 1001));
        await Refused(ErrorCode.Forbidden, inbox => inbox.MarkRead(Ids.Conversation(), 1));
        await Refused(ErrorCode.Invalid, inbox => inbox.MarkRead(id, -1));

        await bobDevice.PullAll();
        Assert.Equal([1L], bobDevice.MessageSeqs(id));
        Assert.DoesNotContain(bobDevice.Events, e => e.Type == SyncEventTypes.Read);
        Assert.Equal(1, (await Inbox(bob).GetConversations()).Single().Unread);
    }

    // The user's conversation index and what a device at the cursor would pull, compared by value.
    private async Task<string> Snapshot(string user, string cursor) => JsonSerializer.Serialize(new
    {
        Conversations = await Inbox(user).GetConversations(),
        Pull = await Inbox(user).Sync(cursor, 1000),
    });
}
