using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Lifecycle;

/// <summary>Sync timelines keep a week; storage timelines keep everything; old cursors reset.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private CountingTimelineStore? _inboxes;

    private Task<EmbeddedNode> Start(Action<IServiceCollection>? more = null, Dictionary<string, string?>? settings = null) =>
        new EmbeddedNode(_data.Path, services =>
        {
            CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Inboxes, store => _inboxes = store);
            more?.Invoke(services);
        }, settings).Start();

    [Fact]
    public async Task Expired_events_leave_the_inbox_but_not_the_conversation_and_old_cursors_reset()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await Start(s => s.AddKeyedSingleton<TimeProvider>(RetentionOptions.Clock, clock),
            new() { [$"{RetentionOptions.Section}:TrimInterval"] = "00:00:00.200" });
        var grains = node.Grains;
        var (alice, bob, id) = ("alice", "bob", Ids.Conversation());
        var oldPhone = await new TestDevice(grains, alice).Connect();
        var conversation = grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(alice, [bob], "old times", ConversationKind.Group));
        for (var i = 1; i <= 5; i++) await conversation.Send(new OutgoingMessage(bob, $"old{i}", $"old {i}"));
        await Eventually.True(async () => (await grains.GetGrain<IInboxGrain>(alice).GetConversations()).Single().LastSeq == 5,
            TimeSpan.FromSeconds(60), "fan-out");
        var oldEvents = (await _inboxes!.GetHeadAsync(alice)).LastSeq;

        clock.Advance(TimeSpan.FromDays(8));
        var newPhone = await new TestDevice(grains, alice).Connect();
        for (var i = 6; i <= 7; i++) await conversation.Send(new OutgoingMessage(bob, $"new{i}", $"new {i}"));
        // A send is acked once stored; its fan-out to alice's inbox follows on its own.
        await Eventually.True(async () => (await grains.GetGrain<IInboxGrain>(alice).GetConversations()).Single().LastSeq == 7,
            TimeSpan.FromSeconds(60), "fan-out of the new messages");

        await Eventually.True(async () => (await _inboxes.GetHeadAsync(alice)).TrimmedThrough >= oldEvents,
            TimeSpan.FromSeconds(60), "the expired events to be trimmed");
        Assert.Equal(oldEvents, (await _inboxes.GetHeadAsync(alice)).TrimmedThrough);
        await Assert.ThrowsAsync<TimelineTrimmedException>(() => _inboxes.ReadAfterAsync(alice, 0, 10));
        var stored = await node.ConversationTimelines.ReadAfterAsync(id, 0, 100);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), stored.Select(e => e.Seq));

        // The device that was away too long is told so, and pages history instead.
        var reset = await grains.GetGrain<IInboxGrain>(alice).Sync(oldPhone.Cursor, 100);
        Assert.True(reset.Reset);
        Assert.Empty(reset.Events);
        var row = Assert.Single(reset.Conversations!);
        Assert.Equal(7, row.LastSeq);
        // Unread comes from the read position, which expiry does not touch.
        Assert.Equal((0L, 7L), (row.ReadSeq, row.Unread));
        var history = await conversation.ReadBefore(alice, null, 100);
        Assert.Equal(["old 1", "old 2", "old 3", "old 4", "old 5", "new 6", "new 7"], history.Messages.Select(m => m.Body));

        // A device that synced within the week is unaffected.
        await Eventually.True(async () => { await newPhone.PullAll(); return newPhone.MessageSeqs(id).Count >= 2; },
            TimeSpan.FromSeconds(60), "the new messages");
        Assert.Equal([6L, 7L], newPhone.MessageSeqs(id));
    }

    [Fact]
    public async Task Trimming_a_hundred_thousand_expired_events_goes_in_bounded_batches_while_the_inbox_keeps_serving()
    {
        const string hoarder = "hoarder";
        var trimming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var seed = await Start())
        {
            _ = seed.InboxTimelines;
            // A hundred thousand events from a month ago, written straight into the sync timeline.
            var monthAgo = DateTimeOffset.UtcNow.AddDays(-30);
            for (var from = 1; from <= 100_000; from += 1000)
            {
                var batch = Enumerable.Range(from, 1000)
                    .Select(seq => InboxEventCodec.ToEntry(seq, monthAgo, new SyncEvent(SyncEventTypes.Read, "c-archive", seq)))
                    .ToList();
                await _inboxes!.AppendAsync(hoarder, batch);
            }
        }

        await using var node = await Start(settings: new() { [$"{RetentionOptions.Section}:TrimBatchRows"] = "1000" });
        _ = node.InboxTimelines;
        _inboxes!.BeforeTrim = async number =>
        {
            if (number != 5) return;
            trimming.TrySetResult();
            await release.Task;
        };
        var grains = node.Grains;
        var id = Ids.Conversation();
        var conversation = grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation("friend", [hoarder], null, ConversationKind.Group));
        await trimming.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Trimming is held in its fifth batch: sends, fan-out and pulls go on regardless.
        var device = await new TestDevice(grains, hoarder).Connect();
        for (var i = 1; i <= 3; i++) await conversation.Send(new OutgoingMessage("friend", $"m{i}", $"during the trim {i}"));
        await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count >= 3; },
            TimeSpan.FromSeconds(60), "messages during the trim");
        Assert.Equal([1L, 2L, 3L], device.MessageSeqs(id));
        Assert.Equal(5, _inboxes.Trims);

        release.SetResult();
        await Eventually.True(async () => (await _inboxes.GetHeadAsync(hoarder)).TrimmedThrough >= 100_000,
            TimeSpan.FromSeconds(60), "the whole expired head to go");
        Assert.True(_inboxes.Trims >= 100);
        Assert.Equal(1000, _inboxes.MostRowsTrimmedAtOnce);
        Assert.Equal([1L, 2L, 3L], device.MessageSeqs(id));
    }

    [Fact]
    public async Task A_deployment_retention_for_conversations_trims_their_history_too()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await Start(s => s.AddKeyedSingleton<TimeProvider>(RetentionOptions.Clock, clock), new()
        {
            [$"{RetentionOptions.Section}:StorageTimeline"] = "30.00:00:00",
            [$"{RetentionOptions.Section}:TrimInterval"] = "00:00:00.200",
        });
        var id = Ids.Conversation();
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation("ann", ["ben"], null, ConversationKind.Group));
        for (var i = 1; i <= 4; i++) await conversation.Send(new OutgoingMessage("ann", $"a{i}", $"old {i}"));

        clock.Advance(TimeSpan.FromDays(31));
        await conversation.Send(new OutgoingMessage("ann", "a5", "new 5"));
        // The store's trim mark moves first, the conversation's own a moment later (when the trim's
        // call returns to it): a page read in between would still say there is more.
        await Eventually.True(async () => (await node.ConversationTimelines.GetHeadAsync(id)).TrimmedThrough == 4
                && !(await conversation.ReadBefore("ben", null, 100)).HasMore,
            TimeSpan.FromSeconds(60), "the old messages to expire, in the store and in the conversation's view");

        var history = await conversation.ReadBefore("ben", null, 100);
        Assert.Equal(["new 5"], history.Messages.Select(m => m.Body));
        Assert.False(history.HasMore);
        Assert.Equal([5L], (await conversation.ReadAfter("ben", 0, 100)).Messages.Select(m => m.Seq));
        await Assert.ThrowsAsync<SeqlineException>(() => conversation.Recall("ann", 2));
    }

    [Fact]
    public async Task The_client_library_takes_the_reset_of_an_expired_cursor_and_pages_history_instead()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await SeqlineServer.StartNode(_data.Path, s => s.AddKeyedSingleton<TimeProvider>(RetentionOptions.Clock, clock),
            new Dictionary<string, string?> { [$"{RetentionOptions.Section}:TrimInterval"] = "00:00:00.200" });
        var (aliceToken, bobToken) = (await server.Token("alice"), await server.Token("bob"));
        await using var bob = await ClientDevice.Connect(server, bobToken);
        var id = (await bob.Client.CreateConversationAsync(["alice"], "while you were away")).ConversationId;
        var closed = (await bob.Client.CreateConversationAsync(["alice"], "not on screen")).ConversationId;
        for (var i = 1; i <= 2; i++) await bob.Client.SendAsync(id, $"message {i}");
        var alice = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IInboxGrain>("alice");
        // A send answers once stored; the laptop's first snapshot must already list both messages.
        await Eventually.True(async () => (await alice.GetConversations()).Single(c => c.ConversationId == id).LastSeq == 2,
            TimeSpan.FromSeconds(60), "fan-out of the first messages to alice");

        // Alice's laptop shows the conversation and sees its first two messages, then goes away for a week.
        var checkpoint = new Seqline.Client.InMemoryCheckpointStore();
        long seen;
        await using (var before = await ClientDevice.Connect(server, aliceToken, checkpoint, beforeConnect: c => c.OpenConversation(id)))
        {
            Assert.Equal([1L, 2L], before.MessageSeqs(id));
            seen = before.Client.OpenConversations[id];
        }
        Assert.Equal(2, seen);
        await bob.Client.SendAsync(id, "message 3");
        await bob.Client.SendAsync(closed, "elsewhere");
        await Eventually.True(async () => (await alice.GetConversations()).Sum(c => c.LastSeq) == 4, TimeSpan.FromSeconds(60), "fan-out to alice");
        var inboxes = server.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Inboxes);
        var expiring = (await inboxes.GetHeadAsync("alice")).LastSeq;

        clock.Advance(TimeSpan.FromDays(8));
        for (var i = 4; i <= 5; i++) await bob.Client.SendAsync(id, $"message {i}");
        await Eventually.True(async () => (await inboxes.GetHeadAsync("alice")).TrimmedThrough >= expiring, TimeSpan.FromSeconds(60), "alice's inbox to expire");
        // A send is acknowledged once stored; its copy reaches alice's inbox a moment later.
        await Eventually.True(async () => (await alice.GetConversations()).Single(c => c.ConversationId == id).LastSeq == 5,
            TimeSpan.FromSeconds(60), "message 5 in alice's inbox");

        // The laptop comes back with its week-old cursor; the app reopens what it shows.
        var seenByApp = new List<string>();
        Seqline.Client.SyncPage? reset = null;
        await using var laptop = await ClientDevice.Connect(server, aliceToken, checkpoint,
            onReset: page =>
            {
                reset = page;
                lock (seenByApp) seenByApp.Add("reset");
            },
            beforeConnect: client =>
            {
                client.OpenConversation(id, seen);
                client.MessageReceived += e =>
                {
                    lock (seenByApp) seenByApp.Add(e.Body!);
                    return Task.CompletedTask;
                };
            });
        Assert.NotNull(reset);
        Assert.Equal(5, reset!.Conversations!.Single(c => c.ConversationId == id).LastSeq);
        Assert.Equal(["reset", "message 3", "message 4", "message 5"], seenByApp);
        Assert.Equal([3L, 4L, 5L], laptop.MessageSeqs(id));
        Assert.Empty(laptop.MessageSeqs(closed));
        Assert.Equal(5, laptop.Client.OpenConversations[id]);

        // Sync goes on from the reset's cursor: the next message follows the paged ones, once.
        await bob.Client.SendAsync(id, "message 6");
        await Eventually.True(() => Task.FromResult(laptop.MessageSeqs(id).Count >= 4), TimeSpan.FromSeconds(60), "message 6 on the laptop");
        await laptop.Client.SyncAsync();
        Assert.Equal([3L, 4L, 5L, 6L], laptop.MessageSeqs(id));
        Assert.Equal(6, laptop.Client.OpenConversations[id]);
    }

    [Fact]
    public async Task An_inbox_that_lost_its_state_starts_a_new_epoch_and_old_cursors_reset()
    {
        var id = Ids.Conversation();
        string cursor;
        await using (var node = await Start())
        {
            await node.Grains.GetGrain<IConversationGrain>(id).Create(new NewConversation("ann", ["ben"], null, ConversationKind.Group));
            await node.Grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage("ann", "a1", "hello"));
            var device = await new TestDevice(node.Grains, "ben").Connect();
            await device.PullAll();
            cursor = device.Cursor!;
            Assert.False((await node.Grains.GetGrain<IInboxGrain>("ben").Sync(cursor, 10)).Reset);
        }

        // Ben's inbox state is lost (a restore from an older backup would do the same).
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data.Path, "seqline.db")}"))
        {
            await connection.OpenAsync();
            await using var wipe = connection.CreateCommand();
            wipe.CommandText = "DELETE FROM grain_state WHERE state_name = 'inbox' AND grain_id LIKE '%/ben'";
            Assert.Equal(1, await wipe.ExecuteNonQueryAsync());
        }

        await using (var node = await Start())
        {
            var page = await node.Grains.GetGrain<IInboxGrain>("ben").Sync(cursor, 10);
            Assert.True(page.Reset);
            var row = Assert.Single(page.Conversations!);
            Assert.Equal((id, 1L), (row.ConversationId, row.LastSeq));
            Assert.Equal((0L, 1L), (row.ReadSeq, row.Unread));
            Assert.False((await node.Grains.GetGrain<IInboxGrain>("ben").Sync(page.Cursor, 10)).Reset);
        }
    }

    public void Dispose() => _data.Dispose();
}
