using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// The conversation index on its own, no cluster: events applied (idempotently), unread counts and
/// mentions, summaries, and the events each request turns into.
/// </summary>
public sealed class ConversationIndexTests
{
    private const string Me = "ann";
    private const string Chat = "c-index";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static SyncEvent Message(long seq, string sender = "bob", params string[] mentions) =>
        SyncEvent.For(new ChatMessage(Chat, seq, sender, $"m{seq}", Now.AddSeconds(seq), $"body {seq}", Mentions: mentions.Length > 0 ? mentions : null));

    private static ConversationIndex Joined(long at = 1, FanoutMode mode = FanoutMode.Write)
    {
        var index = new ConversationIndex(Me);
        index.Apply(new SyncEvent(SyncEventTypes.Joined, Chat, at, Fanout: mode), Now);
        return index;
    }

    [Fact]
    public void Messages_count_as_unread_until_read_and_own_messages_never_do()
    {
        var index = Joined();
        foreach (var e in new[] { Message(1), Message(2), Message(3, sender: Me), Message(4) }) index.Apply(e, Now);

        var summary = ConversationIndex.Summary(Chat, index.Member(Chat));
        Assert.Equal((4L, 3L, 1L), (summary.LastSeq, summary.ReadSeq, summary.Unread));
        Assert.Equal("body 4", summary.LastMessage!.Body);
    }

    [Fact]
    public void Applying_the_same_events_again_changes_nothing()
    {
        var events = new[] { Message(1), Message(2, "bob", Me), new SyncEvent(SyncEventTypes.Hidden, Chat, 1), new SyncEvent(SyncEventTypes.Recall, Chat, 2) };
        var once = Joined();
        foreach (var e in events) once.Apply(e, Now);
        var twice = Joined();
        foreach (var e in events.Concat(events)) twice.Apply(e, Now);

        Assert.Equal(ConversationIndex.Summary(Chat, once.Member(Chat)), ConversationIndex.Summary(Chat, twice.Member(Chat)));
        Assert.Equal(once.HiddenOf(Chat).Hidden, twice.HiddenOf(Chat).Hidden);
        Assert.Equal([2L], twice.Member(Chat).RecentRecalls);
    }

    [Fact]
    public void A_reply_delivered_after_the_recall_of_what_it_quotes_comes_in_with_a_blank_quote()
    {
        var index = Joined();
        index.Apply(Message(1), Now);
        index.Apply(new SyncEvent(SyncEventTypes.Recall, Chat, 1), Now);
        var reference = new ConversationRef(Chat, ConversationKind.Group, "t", FanoutMode.Write, 1);
        ChatMessage Reply(long seq, long to) => new(Chat, seq, "cid", $"r{seq}", Now, "love it", ReplyTo: to, Quote: new MessageQuote("bob", $"body {to}"));

        // A delivery tried again after the recall was applied here: the reply to 1 loses the quote,
        // a reply to a message nobody recalled keeps its own.
        var events = index.EventsOf(new InboxDelivery(reference, [Reply(2, to: 1), Reply(3, to: 2)]));

        Assert.Equal([new MessageQuote("bob", "", Recalled: true), new MessageQuote("bob", "body 2")], events.Select(e => e.Quote));
    }

    [Fact]
    public void A_mention_counts_until_the_read_position_passes_it()
    {
        var index = Joined();
        index.Apply(Message(1, "bob", Me), Now);
        index.Apply(Message(2, "bob", "cid"), Now);
        Assert.Equal(1, ConversationIndex.Summary(Chat, index.Member(Chat)).Mentions);

        index.Apply(index.ReadTo(Chat, 1, lastSeq: 2)!, Now);
        Assert.Equal(0, ConversationIndex.Summary(Chat, index.Member(Chat)).Mentions);
        // A mention told again for a read message is no news.
        Assert.Empty(index.MentionsOf(Chat, [1]));
    }

    [Fact]
    public void A_read_mark_never_moves_back_nor_past_the_last_message()
    {
        var index = Joined();
        foreach (var seq in new long[] { 1, 2, 3 }) index.Apply(Message(seq), Now);

        var read = index.ReadTo(Chat, 99, lastSeq: 3);
        Assert.Equal(3, read!.Seq);
        index.Apply(read, Now);
        Assert.Null(index.ReadTo(Chat, 2, lastSeq: 3));
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() => index.ReadTo(Chat, -1, lastSeq: 3)).Code);
    }

    [Fact]
    public void Requests_for_a_conversation_the_user_is_not_in_are_forbidden()
    {
        var index = new ConversationIndex(Me);
        Assert.Equal(ErrorCode.Forbidden, Assert.Throws<SeqlineException>(() => index.ReadTo(Chat, 1, 1)).Code);
        Assert.Equal(ErrorCode.Forbidden, Assert.Throws<SeqlineException>(() => index.Hide(Chat, 1, 1)).Code);
        Assert.Equal(ErrorCode.Forbidden, Assert.Throws<SeqlineException>(() => index.ClearThrough(Chat, 1, 1)).Code);
        Assert.Equal((0L, 0), (index.HiddenOf(Chat).ClearedThrough, index.HiddenOf(Chat).Hidden.Count));
    }

    [Fact]
    public void Hiding_a_message_that_does_not_exist_is_invalid_and_hiding_twice_is_one_event()
    {
        var index = Joined();
        index.Apply(Message(1), Now);

        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() => index.Hide(Chat, 2, lastSeq: 1)).Code);
        index.Apply(index.Hide(Chat, 1, lastSeq: 1)!, Now);
        Assert.Null(index.Hide(Chat, 1, lastSeq: 1));
        Assert.Null(ConversationIndex.Summary(Chat, index.Member(Chat)).LastMessage);
    }

    [Fact]
    public void Clearing_reads_too_and_takes_hidden_messages_below_it_off_the_list()
    {
        var index = Joined();
        foreach (var seq in new long[] { 1, 2, 3 }) index.Apply(Message(seq), Now);
        index.Apply(new SyncEvent(SyncEventTypes.Hidden, Chat, 3), Now);
        index.Apply(new SyncEvent(SyncEventTypes.Hidden, Chat, 1), Now);

        index.Apply(index.ClearThrough(Chat, 2, lastSeq: 3)!, Now);

        Assert.Equal(2, index.HiddenOf(Chat).ClearedThrough);
        Assert.Equal([3L], index.HiddenOf(Chat).Hidden);
        Assert.Equal(2, index.Member(Chat).ReadSeq);
        Assert.Null(index.ClearThrough(Chat, 1, lastSeq: 3));
    }

    [Fact]
    public void A_joined_user_has_read_what_was_said_before_they_joined()
    {
        var index = Joined(at: 41);
        index.Apply(Message(41), Now);
        var summary = ConversationIndex.Summary(Chat, index.Member(Chat));
        Assert.Equal((41L, 40L, 1L), (summary.LastSeq, summary.ReadSeq, summary.Unread));
    }

    [Fact]
    public void A_delivery_for_a_conversation_not_joined_is_refused_unless_it_carries_only_recalls()
    {
        var index = new ConversationIndex(Me);
        var reference = new ConversationRef(Chat, ConversationKind.Group, "t", FanoutMode.Write, 1);
        var message = new ChatMessage(Chat, 1, "bob", "m1", Now, "hi");

        Assert.Equal(ErrorCode.Conflict, Assert.Throws<SeqlineException>(() => index.EventsOf(new InboxDelivery(reference, [message]))).Code);
        Assert.Empty(index.EventsOf(new InboxDelivery(reference, [], null, [1])));
    }

    [Fact]
    public void A_delivery_skips_what_the_inbox_has_and_takes_a_switch_only_when_it_is_news()
    {
        var index = Joined();
        index.Apply(Message(1), Now);
        var reference = new ConversationRef(Chat, ConversationKind.Group, "t", FanoutMode.Write, 1);
        var messages = new[] { 1L, 2 }.Select(seq => new ChatMessage(Chat, seq, "bob", $"m{seq}", Now, "x")).ToList();

        var events = index.EventsOf(new InboxDelivery(reference, messages, new FanoutChange(3, FanoutMode.Read), [1]));
        Assert.Equal([(SyncEventTypes.Fanout, 3L), (SyncEventTypes.Message, 2L), (SyncEventTypes.Recall, 1L)], events.Select(e => (e.Type, e.Seq)));

        foreach (var e in events) index.Apply(e, Now);
        // The same switch again is old news; the switch back at the same seq (no message there yet) is not.
        Assert.Empty(index.EventsOf(new InboxDelivery(reference, [], new FanoutChange(3, FanoutMode.Read), [1])));
        Assert.Single(index.EventsOf(new InboxDelivery(reference, [], new FanoutChange(3, FanoutMode.Write))));
    }

    [Fact]
    public void Leaving_removes_the_entry_and_a_checkpoint_deletes_its_row()
    {
        var index = Joined();
        index.Apply(Message(1), Now);
        var (changed, _, _) = index.Changes();
        index.Checkpointed(changed);
        Assert.False(index.HasChanges);

        index.Apply(new SyncEvent(SyncEventTypes.Left, Chat, 1), Now);

        var (_, write, delete) = index.Changes();
        Assert.Empty(write);
        Assert.Equal([Chat], delete);
        Assert.False(index.Contains(Chat));
    }

    [Fact]
    public void A_recall_blanks_the_preview_of_the_last_message()
    {
        var index = Joined();
        index.Apply(Message(1), Now);
        index.Apply(new SyncEvent(SyncEventTypes.Recall, Chat, 1), Now);
        Assert.Equal("", ConversationIndex.Summary(Chat, index.Member(Chat)).LastMessage!.Body);
    }

    [Fact]
    public void In_read_fan_out_the_summary_takes_the_newest_message_of_the_timeline()
    {
        var index = Joined(at: 1, mode: FanoutMode.Read);
        var newest = new ChatMessage(Chat, 7, "bob", "m7", Now, new string('x', 300));
        var summary = ConversationIndex.Summary(Chat, index.Member(Chat), [newest]);
        Assert.Equal((7L, 7L, ConversationIndex.PreviewLength), (summary.LastSeq, summary.Unread, summary.LastMessage!.Body.Length));
    }

    [Fact]
    public void In_read_fan_out_edits_and_reactions_are_not_unread_and_not_the_preview()
    {
        var index = Joined(at: 1, mode: FanoutMode.Read);
        index.Apply(new SyncEvent(SyncEventTypes.Read, Chat, 4), Now);
        ChatMessage[] newest =
        [
            new(Chat, 4, "bob", "m4", Now, "read already"),
            new(Chat, 5, "bob", "m5", Now, "lunch?"),
            new(Chat, 6, "ann", "", Now, "", Type: SyncEventTypes.Reaction, TargetSeq: 4, Emoji: "👍"),
            new(Chat, 7, "bob", "m7", Now, "at 12:30"), // stored as edited
            new(Chat, 8, "bob", "", Now, "at 12:30", Type: SyncEventTypes.Edited, TargetSeq: 7),
            new(Chat, 9, "ann", "", Now, "", Type: SyncEventTypes.Reaction, TargetSeq: 7, Emoji: "🎉"),
        ];

        var summary = ConversationIndex.Summary(Chat, index.Member(Chat), newest);

        // Two messages after the read position (5 and 7); the three changes are no news.
        Assert.Equal((9L, 4L, 2L), (summary.LastSeq, summary.ReadSeq, summary.Unread));
        Assert.Equal((7L, "at 12:30"), (summary.LastMessage!.Seq, summary.LastMessage.Body));
    }

    [Fact]
    public void A_cursor_key_finds_a_conversation_joined_after_the_lookup_was_built()
    {
        var index = Joined();
        Assert.Null(index.ConversationOfCursorKey(SyncCursorCodec.HashOf("c-later")));
        index.Apply(new SyncEvent(SyncEventTypes.Joined, "c-later", 1), Now);
        Assert.Equal("c-later", index.ConversationOfCursorKey(SyncCursorCodec.HashOf("c-later")));
    }
}
