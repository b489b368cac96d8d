using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A reply quoted before its original was recalled, and stored after the recall's scan of the
/// stored replies began, keeps nothing of the original either: the recall waits for the append
/// under way, and replies still queued lose the quote as they are stored.
/// </summary>
public sealed class RepliesDuringRecallTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_reply_on_its_way_to_the_disk_while_its_original_is_recalled_keeps_nothing_of_it()
    {
        CountingTimelineStore? store = null;
        await using var node = await new EmbeddedNode(_data.Path, services =>
            CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Conversations, created => store = created)).Start();
        var (ann, bob, id) = (Ids.User("ann"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.Reference<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob], "plans", ConversationKind.Group));
        // Where ann's devices start: one that syncs from here once all is done reads every copy.
        var start = (await new TestDevice(node.Grains, ann).Connect()).Cursor!;
        await conversation.Send(new OutgoingMessage(ann, "a1", "the secret plan"));

        // Bob's reply has its quote and is being appended; the disk lets it through only once
        // ann's recall has written the tombstone, so the recall's scan comes while it is in flight.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tombstoneWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store!.BeforeAppend = async (timeline, entries) =>
        {
            if (timeline != id || entries[0].Seq != 2) return;
            held.TrySetResult();
            await tombstoneWritten.Task;
        };
        store.AfterReplace = (timeline, entry) =>
        {
            if (timeline == id && entry.Seq == 1) tombstoneWritten.TrySetResult();
            return Task.CompletedTask;
        };
        var reply = conversation.Send(new OutgoingMessage(bob, "b1", "love it", ReplyTo: 1));
        await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // Another reply, sent while the first is held: queued, or quoted after the recall.
        var another = conversation.Send(new OutgoingMessage(bob, "b2", "so when?", ReplyTo: 1));

        await conversation.Recall(ann, 1);
        await Task.WhenAll(reply, another).WaitAsync(TimeSpan.FromSeconds(60));

        var history = (await conversation.ReadAfter(bob, 0, 10)).Messages;
        var blank = new MessageQuote(ann, "", Recalled: true);
        Assert.Equal([blank, blank], history.Where(m => m.ReplyTo == 1).Select(m => m.Quote));
        Assert.DoesNotContain(history, m => m.Body.Contains("secret") || m.Quote?.Snippet.Contains("secret") == true);
        // Ann's inbox copies end up blank too, whichever reached it first: a reply or the recall.
        List<SyncEvent> copies = [];
        try
        {
            await Eventually.True(async () =>
            {
                var fresh = new TestDevice(node.Grains, ann, start);
                await fresh.PullAll();
                copies = fresh.Events.Where(e => e.ConversationId == id && e.Type == SyncEventTypes.Message).ToList();
                return copies.Count == 3 && copies.Where(e => e.Seq > 1).All(e => e.Quote == blank)
                    && !copies.Any(e => e.Body!.Contains("secret") || e.Quote?.Snippet.Contains("secret") == true);
            }, TimeSpan.FromSeconds(60), "ann's copies of the replies to quote nothing");
        }
        catch (Xunit.Sdk.XunitException timedOut)
        {
            // Which copy was missing or kept what: the one thing a timeout alone does not say.
            Assert.Fail($"{timedOut.Message} Her copies at the end: {string.Join("; ", copies)}");
        }
    }

    public void Dispose() => _data.Dispose();
}
