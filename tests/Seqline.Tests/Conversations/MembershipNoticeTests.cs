using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A membership change is saved with the notices its members' inboxes are owed; an inbox that
/// cannot be told now is told later, by the fan-out loop or, after a restart, by the recovery
/// reminder. Nobody ends up in a conversation their inbox does not know about.
/// </summary>
public sealed class MembershipNoticeTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Inboxes_that_cannot_be_told_at_once_learn_of_the_conversation_when_they_can()
    {
        var gate = new FailingNoticeGate(failures: 3);
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(gate)).Start();
        var (alice, bob, id) = (Ids.User("alice"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var bobs = await new TestDevice(node.Grains, bob).Connect();

        // The first delivery of the notices fails: the conversation exists all the same.
        var view = await conversation.Create(new NewConversation(alice, [bob], "later", ConversationKind.Group));
        Assert.Equal([alice, bob], view.Members.Order(StringComparer.Ordinal));
        await conversation.Send(new OutgoingMessage(alice, "a1", "hello"));

        foreach (var user in new[] { alice, bob })
        {
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(user).GetConversations()).Any(c => c.LastSeq == 1),
                TimeSpan.FromSeconds(60), $"{user}'s inbox to learn of the conversation and its message");
        }
        Assert.True(gate.Attempts > 3, $"the notices were tried {gate.Attempts} times");
        await bobs.PullAll();
        Assert.Equal([1L], bobs.MessageSeqs(id));
        var joined = Assert.Single(bobs.Events, e => e.Type == SyncEventTypes.Joined);
        Assert.Equal((id, 1L), (joined.ConversationId, joined.Seq));
    }

    [Fact]
    public async Task Sends_during_a_membership_change_go_to_the_new_members_only()
    {
        HeldRowStore? rows = null;
        var appended = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var queued = new CallsTakenIn(nameof(IConversationGrain.Send));
        await using var node = await new EmbeddedNode(_data.Path, s =>
        {
            s.AddKeyedSingleton<IRowStore>(RowStoreNames.Members, (sp, _) =>
                rows = new HeldRowStore(new global::Seqline.Storage.Rows.Sqlite.SqliteRowStore(sp.GetRequiredService<global::Seqline.Storage.Sqlite.SqliteDatabase>(), RowStoreNames.Members)));
            CountingTimelineStore.CountSqlite(s, TimelineStoreNames.Conversations, store => store.BeforeAppend = (_, entries) =>
            {
                foreach (var entry in entries) appended.Enqueue(entry.Seq);
                return Task.CompletedTask;
            });
            s.AddSingleton<IIncomingGrainCallFilter>(queued);
        }).Start();
        var (alice, bob, carol, id) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var (bobs, carols) = (await new TestDevice(node.Grains, bob).Connect(), await new TestDevice(node.Grains, carol).Connect());
        await conversation.Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        await conversation.Send(new OutgoingMessage(alice, "a1", "before"));

        // The change is being stored (its rows held) while alice and bob send.
        var held = rows!.HoldNextChange();
        var change = conversation.ChangeMembers(new MembershipChange(alice, [carol], [bob]));
        await held.WaitAsync(TimeSpan.FromSeconds(60));
        var alicesSend = conversation.Send(new OutgoingMessage(alice, "a2", "after"));
        var bobsSend = conversation.Send(new OutgoingMessage(bob, "b1", "sneaking in"));
        // Both sends have run as far as they can: a send that did not wait would be appending now.
        await Eventually.True(() => Task.FromResult(queued.Count == 3), TimeSpan.FromSeconds(60), "both sends to reach the grain");
        Assert.Equal([1L], appended);
        Assert.False(alicesSend.IsCompleted, "a send must not take a seq while the change is stored");
        rows.Release();
        await change;

        Assert.Equal(2, (await alicesSend).Seq);
        var refused = await Assert.ThrowsAsync<SeqlineException>(() => bobsSend);
        Assert.Equal(ErrorCode.Forbidden, refused.Code);
        Assert.Equal([1L, 2L], (await conversation.ReadAfter(alice, 0, 10)).Messages.Select(m => m.Seq));

        await Eventually.True(async () => { await carols.PullAll(); return carols.MessageSeqs(id).Count == 1; }, TimeSpan.FromSeconds(60), "carol's message");
        await Eventually.True(async () => { await bobs.PullAll(); return bobs.Events.Any(e => e.Type == SyncEventTypes.Left); }, TimeSpan.FromSeconds(60), "bob's leaving");
        Assert.Equal([2L], carols.MessageSeqs(id));
        Assert.Equal([1L], bobs.MessageSeqs(id));
        Assert.Equal((SyncEventTypes.Left, 1L), (bobs.Events[^1].Type, bobs.Events[^1].Seq));
    }

    // Holds the next change of member rows until released, as a slow store would.
    private sealed class HeldRowStore(IRowStore inner) : IRowStore
    {
        private TaskCompletionSource? _holding;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HoldNextChange() => (_holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Release() => _released.TrySetResult();

        public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => inner.EnsureCreatedAsync(cancellationToken);

        public Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default) => inner.ReadAsync(owner, cancellationToken);

        public Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default) => inner.ReadAsync(owner, key, cancellationToken);

        public async Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _holding, null) is { } holding)
            {
                holding.TrySetResult();
                await _released.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            await inner.ChangeAsync(owner, write, delete, cancellationToken);
        }
    }

    [Fact]
    public async Task Notices_cut_short_by_a_restart_are_delivered_by_the_recovery_reminder()
    {
        var (alice, bob, dan, id) = (Ids.User("alice"), Ids.User("bob"), Ids.User("dan"), Ids.Conversation());
        string dansCursor;
        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            dansCursor = (await new TestDevice(node.Grains, dan).Connect()).Cursor!;
            await node.Grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        }

        await using (var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(new FailingNoticeGate(int.MaxValue))).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            var view = await conversation.ChangeMembers(new MembershipChange(alice, [dan], [bob]));
            Assert.Equal([alice, dan], view.Members.Order(StringComparer.Ordinal));
            Assert.Empty(await node.Grains.GetGrain<IInboxGrain>(dan).GetConversations());
            Assert.Single(await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations());
        }

        // Nobody calls the conversation: the reminder its membership change registered wakes it.
        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(dan).GetConversations()).Count == 1,
                TimeSpan.FromSeconds(30), "dan's inbox to learn of the conversation");
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Count == 0,
                TimeSpan.FromSeconds(30), "bob's inbox to learn he left");

            await node.Grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage(alice, "a1", "welcome dan"));
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(dan).GetConversations()).Single().LastSeq == 1,
                TimeSpan.FromSeconds(30), "the message");
            var dans = new TestDevice(node.Grains, dan, dansCursor);
            await dans.PullAll();
            Assert.Equal([SyncEventTypes.Joined, SyncEventTypes.Message], dans.Events.Select(e => e.Type));
            Assert.Equal([1L], dans.MessageSeqs(id));
            var danRow = (await node.Grains.GetGrain<IInboxGrain>(dan).GetConversations()).Single();
            Assert.Equal((0L, 1L), (danRow.ReadSeq, danRow.Unread));
        }
    }

    [Fact]
    public async Task A_change_that_overtakes_the_notice_of_an_earlier_one_wins()
    {
        var gate = new HeldNoticeGate();
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(gate)).Start();
        var (alice, bob, id) = (Ids.User("alice"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);

        // Bob's "joined" notice is held at the gate; the create answers anyway, after its wait.
        await conversation.Create(new NewConversation(alice, [bob], null, ConversationKind.Group));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var removal = conversation.ChangeMembers(new MembershipChange(alice, [], [bob]));
        await Eventually.True(async () => await Status(node, id, bob) == MemberStatus.Leaving,
            TimeSpan.FromSeconds(60), "bob's row to say he is leaving");
        gate.Release.SetResult();

        // The held round told bob he joined, but must not mark him a member: his leaving came later.
        var view = await removal;
        Assert.Equal([alice], view.Members);
        await Eventually.True(async () => await Status(node, id, bob) is null, TimeSpan.FromSeconds(60), "bob's row to go");
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Count == 0,
            TimeSpan.FromSeconds(60), "bob's inbox to learn he left");
        Assert.Equal([alice], (await conversation.Get(alice)).Members);
        Assert.Equal(MemberStatus.Member, await Status(node, id, alice));
    }

    [Fact]
    public async Task A_removed_member_still_gets_what_was_sent_while_they_were_a_member()
    {
        var gate = new HeldFanoutGate();
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(gate)).Start();
        var (alice, bob, carol, id) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        var carols = await new TestDevice(node.Grains, carol).Connect();
        await conversation.Create(new NewConversation(alice, [bob, carol], null, ConversationKind.Group));

        // The fan-out of the first messages is held while carol is removed and another message is sent.
        await conversation.Send(new OutgoingMessage(alice, "a1", "before, 1"));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await conversation.Send(new OutgoingMessage(alice, "a2", "before, 2"));
        var removal = conversation.ChangeMembers(new MembershipChange(alice, [], [carol]));
        await Eventually.True(async () => await Status(node, id, carol) == MemberStatus.Leaving, TimeSpan.FromSeconds(60), "carol's removal");
        gate.Release.SetResult();
        await removal;
        await conversation.Send(new OutgoingMessage(alice, "a3", "after"));

        await Eventually.True(async () => { await bobs.PullAll(); return bobs.MessageSeqs(id).Count >= 3; }, TimeSpan.FromSeconds(60), "bob's messages");
        Assert.Equal([1L, 2L, 3L], bobs.MessageSeqs(id));
        await Eventually.True(async () => { await carols.PullAll(); return carols.Events.Any(e => e.Type == SyncEventTypes.Left); },
            TimeSpan.FromSeconds(60), "carol to learn she left");
        Assert.Equal([SyncEventTypes.Joined, SyncEventTypes.Message, SyncEventTypes.Message, SyncEventTypes.Left], carols.Events.Select(e => e.Type));
        Assert.Equal([1L, 2L], carols.MessageSeqs(id));
        Assert.Empty(await node.Grains.GetGrain<IInboxGrain>(carol).GetConversations());
    }

    private static async Task<MemberStatus?> Status(EmbeddedNode node, string conversationId, string userId) =>
        (await node.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.Members).ReadAsync(conversationId))
            .Select(MemberRow.From).SingleOrDefault(r => r.UserId == userId)?.Status;

    public void Dispose() => _data.Dispose();

    /// <summary>Holds the first delivery of messages until the test releases it.</summary>
    private sealed class HeldFanoutGate : IFanoutGate
    {
        private int _calls;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq)
        {
            if (Interlocked.Increment(ref _calls) > 1) return Task.CompletedTask;
            Reached.SetResult();
            return Release.Task;
        }
    }

    /// <summary>Holds the first delivery of membership notices until the test releases it.</summary>
    private sealed class HeldNoticeGate : IFanoutGate
    {
        private int _calls;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq) => Task.CompletedTask;

        public Task BeforeNoticesAsync(string conversationId, IReadOnlyList<string> userIds)
        {
            if (Interlocked.Increment(ref _calls) > 1) return Task.CompletedTask;
            Reached.SetResult();
            return Release.Task;
        }
    }

    /// <summary>Fails the delivery of membership notices the first <c>failures</c> times.</summary>
    private sealed class FailingNoticeGate(int failures) : IFanoutGate
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq) => Task.CompletedTask;

        public Task BeforeNoticesAsync(string conversationId, IReadOnlyList<string> userIds) =>
            Interlocked.Increment(ref _attempts) <= failures
                ? throw new InvalidOperationException("The inboxes cannot be reached (test).")
                : Task.CompletedTask;
    }
}
