using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>
/// The fan-out watermark is written lazily (<c>Seqline:Conversations:WatermarkSaveDelay</c>): a busy
/// conversation does not write its state after every batch, the watermark reaches storage once due
/// and when the grain deactivates, and a conversation that lost what it had not written repeats
/// those deliveries without any inbox getting a message twice.
/// </summary>
public sealed class FanoutWatermarkTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_busy_conversation_writes_no_state_per_batch_and_its_watermark_when_it_deactivates()
    {
        var (node, states, conversation) = await Started("01:00:00");
        await using var _ = node;
        var id = conversation.GetPrimaryKeyString();
        var bobs = await new TestDevice(node.Grains, Bob).Connect();
        var before = states.ConversationWrites;

        // Each message waits for the last to reach bob's inbox: ten batches, ten watermark moves.
        for (var i = 1; i <= 10; i++)
        {
            await conversation.Send(new OutgoingMessage(Ann, $"a{i}", $"message {i}"));
            await bobs.PullUntil(id, i, Within);
        }

        Assert.Equal(before, states.ConversationWrites);
        Assert.True((await node.StoredState(id)).FannedOutThrough < 10, "the watermark is not written after each batch");

        await conversation.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => (await node.StoredState(id)).FannedOutThrough == 10, Within, "the watermark to be written as the grain deactivates");
        Assert.Equal(before + 1, states.ConversationWrites);
    }

    [Fact]
    public async Task A_moved_watermark_is_written_once_it_is_due()
    {
        var (node, _, conversation) = await Started("00:00:01");
        await using var _ = node;
        var id = conversation.GetPrimaryKeyString();

        foreach (var i in Enumerable.Range(1, 3)) await conversation.Send(new OutgoingMessage(Ann, $"a{i}", $"message {i}"));

        // No deactivation and no other write: the delay alone brings it to storage.
        await Eventually.True(async () => (await node.StoredState(id)).FannedOutThrough == 3, Within, "the watermark to be written once due");
    }

    [Fact]
    public async Task With_no_delay_the_watermark_is_written_after_every_batch()
    {
        var (node, states, conversation) = await Started("00:00:00");
        await using var _ = node;
        var id = conversation.GetPrimaryKeyString();
        var before = states.ConversationWrites;

        for (var i = 1; i <= 3; i++)
        {
            await conversation.Send(new OutgoingMessage(Ann, $"a{i}", $"message {i}"));
            var seq = i;
            await Eventually.True(async () => (await node.StoredState(id)).FannedOutThrough == seq, Within, $"the watermark to be written after batch {i}");
        }
        Assert.Equal(before + 3, states.ConversationWrites);
    }

    [Fact]
    public async Task A_conversation_that_lost_its_unwritten_watermark_repeats_the_fan_out_and_no_inbox_gets_a_message_twice()
    {
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(), Delay("01:00:00")).Start();
        var (ann, bob, id) = (Ids.User("ann"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        foreach (var i in Enumerable.Range(1, 5)) await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"message {i}"));
        await bobs.PullUntil(id, 5, Within);
        var stored = (await node.StoredState(id)).FannedOutThrough;
        Assert.True(stored < 5, $"the watermark is not written yet (stored: {stored})");

        // The next state write (a new title's) fails: the activation goes without writing the
        // watermark, and the next one starts from the stored one.
        FaultPlan.FailNext("state.write", id, FaultKind.Before);
        await Assert.ThrowsAnyAsync<Exception>(() => conversation.SetTitle(ann, "renamed"));
        await Eventually.True(async () =>
        {
            try { await conversation.Send(new OutgoingMessage(ann, "a6", "after the restart")); return true; }
            catch (SeqlineException) { return false; }
        }, Within, "the conversation to take sends again");

        await bobs.PullUntil(id, 6, Within);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], bobs.MessageSeqs(id));
        // The repeated deliveries reached the inboxes and added nothing there.
        foreach (var user in new[] { ann, bob })
        {
            var inbox = await node.InboxTimelines.ReadAfterAsync(user, 0, 1000);
            var copies = inbox.Select(MessageCodecForTests.Event).Where(e => e.Type == SyncEventTypes.Message && e.ConversationId == id).Select(e => e.Seq).ToList();
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], copies);
        }
        await Eventually.True(async () =>
        {
            await conversation.Cast<IGrainManagementExtension>().DeactivateOnIdle();
            return (await node.StoredState(id)).FannedOutThrough == 6;
        }, Within, "the repeated fan-out's watermark to be written");
    }

    [Fact]
    public async Task A_watermark_written_when_due_while_messages_flow_leaves_the_next_batches_unwritten()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await new EmbeddedNode(_data.Path, s =>
        {
            s.AddKeyedSingleton<TimeProvider>(RetentionOptions.Clock, clock);
            s.AddFaultInjection();
        }, Delay("00:00:10")).Start();
        var (ann, bob, id) = (Ann, Bob, Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        await conversation.Send(new OutgoingMessage(ann, "a1", "first"));
        await bobs.PullUntil(id, 1, Within);

        // The watermark's write comes due and is held while the next message's fan-out moves it again.
        var (held, release) = FaultPlan.HoldNext("state.write", id);
        clock.Advance(TimeSpan.FromSeconds(10));
        await held.WaitAsync(Within);
        await conversation.Send(new OutgoingMessage(ann, "a2", "during the write"));
        await bobs.PullUntil(id, 2, Within);
        release.SetResult();
        await Eventually.True(async () => (await node.StoredState(id)).FannedOutThrough >= 1, Within, "the held write to land");

        // What moves next is due seconds from when it moved, on a clock that stands still: no batch writes it.
        for (var i = 3; i <= 5; i++)
        {
            await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"message {i}"));
            await bobs.PullUntil(id, i, Within);
        }
        var stored = (await node.StoredState(id)).FannedOutThrough;
        Assert.True(stored < 5, $"the batches after the write wrote the watermark (stored: {stored})");
    }

    [Theory]
    [InlineData("-00:00:01", true)]
    [InlineData("00:00:00", false)]
    [InlineData("00:01:00", false)]
    public void A_negative_delay_is_refused_at_start_up(string delay, bool refused)
    {
        var result = new ConversationOptionsValidator().Validate(null, new ConversationOptions { WatermarkSaveDelay = TimeSpan.Parse(delay) });
        Assert.Equal(refused, result.Failed);
        if (refused) Assert.Contains("Seqline:Conversations:WatermarkSaveDelay", result.FailureMessage);
    }

    private readonly string Ann = Ids.User("ann"), Bob = Ids.User("bob");

    // A node counting its state writes, with a group of ann and bob in it.
    private async Task<(EmbeddedNode Node, CountingGrainStorage States, IConversationGrain Conversation)> Started(string delay)
    {
        CountingGrainStorage states = null!;
        var node = await new EmbeddedNode(_data.Path, s => CountingGrainStorage.CountSqlite(s, c => states = c), Delay(delay)).Start();
        var conversation = node.Grains.GetGrain<IConversationGrain>(Ids.Conversation());
        await conversation.Create(new NewConversation(Ann, [Bob], null, ConversationKind.Group));
        return (node, states, conversation);
    }

    private static Dictionary<string, string?> Delay(string delay) => new() { ["Seqline:Conversations:WatermarkSaveDelay"] = delay };

    public void Dispose() => _data.Dispose();
}
