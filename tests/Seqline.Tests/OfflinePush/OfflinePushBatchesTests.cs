using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.OfflinePush;

namespace Seqline.Tests.OfflinePush;

/// <summary>The domain rules of offline push, without a cluster: batching, at most once, what calls for a push.</summary>
public sealed class OfflinePushBatchesTests
{
    private static OfflineNotice Notice(string user, long seq, string conversation = "c") => new(user, conversation, seq, OfflineNotice.Message, "alice", null, null);

    [Fact]
    public void Notices_gather_per_user_and_a_notice_seen_before_is_dropped_even_after_its_batch_went()
    {
        var batches = new OfflinePushBatches(maxPending: 10, remembered: 10);
        Assert.Equal(OfflinePushBatches.Added.Opened, batches.Add(Notice("bob", 1)));
        Assert.Equal(OfflinePushBatches.Added.Joined, batches.Add(Notice("bob", 2)));
        Assert.Equal(OfflinePushBatches.Added.Opened, batches.Add(Notice("carol", 1)));
        Assert.Equal(OfflinePushBatches.Added.Duplicate, batches.Add(Notice("bob", 1)));

        Assert.Equal([1L, 2L], batches.Take("bob").Select(n => n.Seq));
        Assert.Empty(batches.Take("bob"));
        Assert.Equal(OfflinePushBatches.Added.Duplicate, batches.Add(Notice("bob", 2)));
        Assert.Equal(OfflinePushBatches.Added.Opened, batches.Add(Notice("bob", 2, "other")));
        Assert.Equal(2, batches.PendingCount);
    }

    [Fact]
    public void Taking_all_at_the_stop_empties_every_batch_and_keeps_the_ids_seen()
    {
        var batches = new OfflinePushBatches(maxPending: 10, remembered: 10);
        batches.Add(Notice("bob", 1));
        batches.Add(Notice("bob", 2));
        batches.Add(Notice("carol", 1));

        var all = batches.TakeAll().ToDictionary(b => b.UserId, b => b.Batch.Select(n => n.Seq).ToList());
        Assert.Equal([1L, 2L], all["bob"]);
        Assert.Equal([1L], all["carol"]);
        Assert.Equal(2, all.Count);
        Assert.Equal(0, batches.PendingCount);
        Assert.Empty(batches.Take("bob"));
        Assert.Empty(batches.TakeAll());
        Assert.Equal(OfflinePushBatches.Added.Duplicate, batches.Add(Notice("carol", 1)));
    }

    [Fact]
    public void Past_the_pending_limit_notices_are_dropped_and_the_oldest_ids_are_forgotten()
    {
        var batches = new OfflinePushBatches(maxPending: 2, remembered: 2);
        batches.Add(Notice("bob", 1));
        batches.Add(Notice("bob", 2));
        Assert.Equal(OfflinePushBatches.Added.Dropped, batches.Add(Notice("bob", 3)));
        batches.Take("bob");
        Assert.Equal(OfflinePushBatches.Added.Opened, batches.Add(Notice("bob", 3)));
        Assert.Equal(OfflinePushBatches.Added.Joined, batches.Add(Notice("bob", 1)));
    }

    [Fact]
    public void Only_new_messages_of_others_in_conversations_not_muted_call_for_a_push_with_a_preview_cut_to_length()
    {
        var index = new ConversationIndex("bob");
        var now = DateTimeOffset.UtcNow;
        foreach (var id in new[] { "open", "quiet" }) index.Apply(new SyncEvent(SyncEventTypes.Joined, id, 1, Fanout: FanoutMode.Write), now);
        index.Apply(index.Mute("quiet", true, 0)!, now);
        var options = new OfflinePushOptions { PreviewLength = 3 };
        SyncEvent Message(string conversation, long seq, string sender, bool recalled = false) =>
            new(SyncEventTypes.Message, conversation, seq, sender, "m", now, "hello", Recalled: recalled ? true : null);

        var notices = OfflineNotices.OfMessages("bob", index, [
            Message("open", 1, "alice"), Message("open", 2, "bob"), Message("open", 3, "alice", recalled: true),
            Message("quiet", 1, "alice"), new SyncEvent(SyncEventTypes.Read, "open", 1)], options);

        var notice = Assert.Single(notices);
        Assert.Equal(("open", 1L, "hel", "bob:open:1"), (notice.ConversationId, notice.Seq, notice.Preview, notice.Id));
        Assert.Null(Assert.Single(OfflineNotices.OfMessages("bob", index, [Message("open", 4, "alice")], new OfflinePushOptions { Previews = false })).Preview);
    }
}
