using Orleans.Runtime;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

[Collection(MemoryClusterCollection.Name)]
public sealed class ConversationGrainTests(MemoryCluster cluster)
{
    private IConversationGrain Conversation(string id) => cluster.Grains.GetGrain<IConversationGrain>(id);

    private async Task<(string Id, string Alice, string Bob)> NewGroup()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        await Conversation(id).Create(new NewConversation(alice, [bob], "team", ConversationKind.Group));
        return (id, alice, bob);
    }

    [Fact]
    public async Task A_new_group_has_its_creator_as_a_member_and_no_messages()
    {
        var (id, alice, bob) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"));
        var view = await Conversation(id).Create(new NewConversation(alice, [bob, alice], "team", ConversationKind.Group));

        Assert.Equal(new[] { alice, bob }.Order(StringComparer.Ordinal), view.Members);
        Assert.Equal("team", view.Title);
        Assert.Equal(0, view.LastSeq);
        Assert.Equal(FanoutMode.Write, view.Fanout);
    }

    [Fact]
    public async Task Sends_get_contiguous_seqs_and_history_pages_both_ways()
    {
        var (id, alice, bob) = await NewGroup();
        for (var i = 1; i <= 25; i++)
        {
            var receipt = await Conversation(id).Send(new OutgoingMessage(i % 2 == 0 ? alice : bob, Ids.ClientMsg(), $"m{i}"));
            Assert.Equal(i, receipt.Seq);
            Assert.False(receipt.Duplicate);
        }

        var newest = await Conversation(id).ReadBefore(bob, null, 10);
        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), newest.Messages.Select(m => m.Seq));
        Assert.True(newest.HasMore);
        Assert.Equal("m25", newest.Messages[^1].Body);

        var oldest = await Conversation(id).ReadBefore(bob, 6, 10);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, oldest.Messages.Select(m => m.Seq));
        Assert.False(oldest.HasMore);

        var forward = await Conversation(id).ReadAfter(alice, 20, 3);
        Assert.Equal(new long[] { 21, 22, 23 }, forward.Messages.Select(m => m.Seq));
        Assert.True(forward.HasMore);
        Assert.False((await Conversation(id).ReadAfter(alice, 22, 100)).HasMore);
    }

    [Fact]
    public async Task A_retried_send_returns_the_original_seq_also_after_deactivation()
    {
        var (id, alice, bob) = await NewGroup();
        var clientMsgId = Ids.ClientMsg();
        var first = await Conversation(id).Send(new OutgoingMessage(alice, clientMsgId, "hello"));
        await Conversation(id).Send(new OutgoingMessage(bob, Ids.ClientMsg(), "hi"));

        var retry = await Conversation(id).Send(new OutgoingMessage(alice, clientMsgId, "hello"));
        Assert.True(retry.Duplicate);
        Assert.Equal(first.Seq, retry.Seq);
        Assert.Equal(first.SentAt, retry.SentAt);

        // Another sender may reuse the same clientMsgId: the key is (sender, clientMsgId).
        var bobsOwn = await Conversation(id).Send(new OutgoingMessage(bob, clientMsgId, "mine"));
        Assert.False(bobsOwn.Duplicate);
        Assert.Equal(3, bobsOwn.Seq);

        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var afterReactivation = await Conversation(id).Send(new OutgoingMessage(alice, clientMsgId, "hello"));
        Assert.True(afterReactivation.Duplicate);
        Assert.Equal(first.Seq, afterReactivation.Seq);
        Assert.Equal(3, (await Conversation(id).Get(alice)).LastSeq);
    }

    [Fact]
    public async Task Direct_conversations_have_one_id_per_pair_and_creating_again_returns_it()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var id = DirectConversation.IdFor(alice, bob);
        Assert.Equal(id, DirectConversation.IdFor(bob, alice));

        var created = await Conversation(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Direct));
        await Conversation(id).Send(new OutgoingMessage(alice, Ids.ClientMsg(), "hi"));
        var again = await Conversation(id).Create(new NewConversation(bob, [alice], null, ConversationKind.Direct));

        Assert.Equal(created.Members, again.Members);
        Assert.Equal(1, again.LastSeq);
    }

    [Fact]
    public async Task Membership_changes_take_effect_for_sending_and_reading()
    {
        var (id, alice, bob) = await NewGroup();
        var carol = Ids.User("carol");

        var view = await Conversation(id).ChangeMembers(new MembershipChange(alice, [carol], [bob]));
        Assert.Equal(new[] { alice, carol }.Order(StringComparer.Ordinal), view.Members);

        Assert.Equal(1, (await Conversation(id).Send(new OutgoingMessage(carol, Ids.ClientMsg(), "hi"))).Seq);
        await AssertRefused(ErrorCode.Forbidden, () => Conversation(id).Send(new OutgoingMessage(bob, Ids.ClientMsg(), "let me in")));
        await AssertRefused(ErrorCode.Forbidden, () => Conversation(id).ReadBefore(bob, null, 10));

        // Added and removed at once: removal wins, and for someone who was not a member nothing happens.
        var dan = Ids.User("dan");
        view = await Conversation(id).ChangeMembers(new MembershipChange(alice, [dan, carol], [dan, carol]));
        Assert.Equal([alice], view.Members);
        await Eventually.True(async () => (await cluster.Grains.GetGrain<IInboxGrain>(carol).GetConversations()).Count == 0,
            TimeSpan.FromSeconds(60), "carol's inbox to learn she left");
        Assert.Empty(await cluster.Grains.GetGrain<IInboxGrain>(dan).GetConversations());
    }

    [Fact]
    public async Task Refused_sends_take_no_seq_and_reach_no_inbox()
    {
        var (id, alice, bob) = await NewGroup();
        var mallory = Ids.User("mallory");
        var devices = new[] { alice, bob, mallory }.Select(user => new TestDevice(cluster.Grains, user)).ToList();
        foreach (var device in devices) await device.Connect();
        var c = Conversation(id);
        await c.Send(new OutgoingMessage(alice, Ids.ClientMsg(), "one"));
        var before = await Snapshot(c, alice);

        async Task Refused(ErrorCode code, OutgoingMessage message)
        {
            await AssertRefused(code, () => c.Send(message));
            Assert.Equal(before, await Snapshot(c, alice));
        }
        await Refused(ErrorCode.Forbidden, new OutgoingMessage(mallory, Ids.ClientMsg(), "let me in"));
        await Refused(ErrorCode.Invalid, new OutgoingMessage(alice, Ids.ClientMsg(), ""));
        await Refused(ErrorCode.Invalid, new OutgoingMessage(alice, Ids.ClientMsg(), "   "));
        await Refused(ErrorCode.TooLarge, new OutgoingMessage(alice, Ids.ClientMsg(), new string('é', 8 * 1024 + 1)));
        await Refused(ErrorCode.Invalid, new OutgoingMessage(alice, "has space", "x"));
        await Refused(ErrorCode.Invalid, new OutgoingMessage(alice, new string('a', 65), "x"));
        await Refused(ErrorCode.Invalid, new OutgoingMessage("bad/id", Ids.ClientMsg(), "x"));

        // Inboxes keep a conversation's order, so a refused send that slipped through would come before this one.
        Assert.Equal(2, (await c.Send(new OutgoingMessage(alice, Ids.ClientMsg(), "two"))).Seq);
        foreach (var device in devices[..2])
        {
            await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Contains(2); },
                TimeSpan.FromSeconds(60), $"{device.UserId} to get the message after the refused ones");
            Assert.Equal(["one", "two"], device.Events.Where(e => e.Type == SyncEventTypes.Message).Select(e => e.Body));
        }
        Assert.Empty(await devices[2].PullAll());
        Assert.Empty(await cluster.Grains.GetGrain<IInboxGrain>(mallory).GetConversations());
    }

    [Fact]
    public async Task Refused_membership_changes_creates_and_reads_leave_the_conversation_as_it_was()
    {
        var (id, alice, bob) = await NewGroup();
        var mallory = Ids.User("mallory");
        var c = Conversation(id);
        await c.Send(new OutgoingMessage(alice, Ids.ClientMsg(), "one"));
        var before = await Snapshot(c, alice);

        async Task Refused(ErrorCode code, Func<Task> call)
        {
            await AssertRefused(code, call);
            Assert.Equal(before, await Snapshot(c, alice));
        }
        await Refused(ErrorCode.Forbidden, () => c.ChangeMembers(new MembershipChange(mallory, [mallory], [])));
        await Refused(ErrorCode.Forbidden, () => c.ChangeMembers(new MembershipChange(mallory, [], [bob])));
        await Refused(ErrorCode.Invalid, () => c.ChangeMembers(new MembershipChange(alice, ["no spaces allowed"], [])));
        await Refused(ErrorCode.Conflict, () => c.Create(new NewConversation(alice, [mallory], "again", ConversationKind.Group)));
        await Refused(ErrorCode.Invalid, () => c.ReadBefore(alice, null, 0));
        await Refused(ErrorCode.Invalid, () => c.ReadAfter(alice, 0, 1001));
        await Refused(ErrorCode.Invalid, () => c.ReadAfter(alice, -1, 10));
        await Refused(ErrorCode.Forbidden, () => c.ReadBefore(mallory, null, 10));

        var direct = Conversation(DirectConversation.IdFor(alice, bob));
        await direct.Create(new NewConversation(alice, [bob], null, ConversationKind.Direct));
        var directBefore = await Snapshot(direct, bob);
        await AssertRefused(ErrorCode.Invalid, () => direct.ChangeMembers(new MembershipChange(alice, [mallory], [])));
        Assert.Equal(directBefore, await Snapshot(direct, bob));
    }

    [Fact]
    public async Task Sends_to_unknown_conversations_and_creates_with_bad_ids_create_nothing()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));

        var unknown = Ids.Conversation();
        await AssertRefused(ErrorCode.NotFound, () => Conversation(unknown).Send(new OutgoingMessage(alice, Ids.ClientMsg(), "x")));
        await AssertNeverCreated(unknown, alice);

        await AssertRefused(ErrorCode.Invalid, () => Conversation("bad id!").Create(new NewConversation(alice, [bob], null, ConversationKind.Group)));
        await AssertNeverCreated("bad id!", alice);
        await AssertRefused(ErrorCode.Invalid, () => Conversation("g-1\n").Create(new NewConversation(alice, [bob], null, ConversationKind.Group)));
        await AssertNeverCreated("g-1\n", alice);

        var badMember = Ids.Conversation();
        await AssertRefused(ErrorCode.Invalid, () => Conversation(badMember).Create(new NewConversation(alice, ["no spaces allowed"], null, ConversationKind.Group)));
        await AssertNeverCreated(badMember, alice);

        var notThePairsId = Ids.Conversation();
        await AssertRefused(ErrorCode.Invalid, () => Conversation(notThePairsId).Create(new NewConversation(alice, [bob], null, ConversationKind.Direct)));
        await AssertNeverCreated(notThePairsId, alice);
    }

    [Fact]
    public async Task A_conversation_over_the_member_limit_is_refused()
    {
        var members = Enumerable.Range(0, 100_000).Select(i => $"u{i}").ToList();
        var id = Ids.Conversation();
        await AssertRefused(ErrorCode.TooLarge, () => Conversation(id).Create(new NewConversation("creator", members, null, ConversationKind.Group)));
        await AssertRefused(ErrorCode.NotFound, () => Conversation(id).Get("creator"));
    }

    // Nothing of it stored: no state, no member rows, no messages.
    private async Task AssertNeverCreated(string id, string asUser)
    {
        await AssertRefused(ErrorCode.NotFound, () => Conversation(id).Get(asUser));
        Assert.Empty(await MemoryCluster.Members.ReadAsync(id));
        Assert.Equal(new TimelineHead(0, 0), await MemoryCluster.Conversations.GetHeadAsync(id));
    }

    // Everything a member can see of a conversation, in a form that compares by value.
    private static async Task<string> Snapshot(IConversationGrain conversation, string asUser)
    {
        var view = await conversation.Get(asUser);
        var history = await conversation.ReadAfter(asUser, 0, 1000);
        return $"{view.Kind} '{view.Title}' [{string.Join(", ", view.Members)}] {view.Fanout} last {view.LastSeq}: "
            + string.Join(" | ", history.Messages.Select(m => $"{m.Seq} {m.SenderId}: {m.Body}"));
    }

    internal static async Task AssertRefused(ErrorCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<SeqlineException>(call);
        Assert.Equal(code, error.Code);
    }
}
