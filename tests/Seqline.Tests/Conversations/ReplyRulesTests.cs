using System.Text;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>Replies without a cluster: which seqs may be replied to, the quote a reply keeps, and how the stored form reads back.</summary>
public sealed class ReplyRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(3L)]   // trimmed
    [InlineData(11L)]  // beyond the head
    public void A_seq_the_conversation_does_not_hold_is_not_found(long seq) =>
        Assert.Equal(ErrorCode.NotFound, Assert.Throws<SeqlineException>(() => ReplyRules.RequireHeld("c", seq, trimmedThrough: 3, head: 10)).Code);

    [Fact]
    public void Seqs_between_the_trim_mark_and_the_head_are_held()
    {
        ReplyRules.RequireHeld("c", 4, trimmedThrough: 3, head: 10);
        ReplyRules.RequireHeld("c", 10, trimmedThrough: 3, head: 10);
    }

    [Fact]
    public void A_notice_cannot_be_replied_to()
    {
        var notice = new ChatMessage("c", 2, "ann", "", At, "", Type: "title", Title: "lunch");
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() => ReplyRules.Quote(notice)).Code);
    }

    [Fact]
    public void A_quote_keeps_the_sender_and_the_start_of_the_body_cut_between_characters()
    {
        Assert.Equal(new MessageQuote("ann", "short"), ReplyRules.Quote(new ChatMessage("c", 1, "ann", "m", At, "short")));

        var exact = new string('a', ReplyRules.QuoteLength);
        Assert.Equal(exact, ReplyRules.Snippet(exact));
        Assert.Equal(new string('a', ReplyRules.QuoteLength) + "…", ReplyRules.Snippet(exact + "b"));

        // 150 emoji (two UTF-16 units each) and accented letters made of two code points: never split.
        var emoji = string.Concat(Enumerable.Repeat("😀", 150));
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", ReplyRules.QuoteLength)) + "…", ReplyRules.Snippet(emoji));
        var combined = string.Concat(Enumerable.Repeat("e\u0301", 120));
        var cut = ReplyRules.Snippet(combined);
        Assert.Equal(string.Concat(Enumerable.Repeat("e\u0301", ReplyRules.QuoteLength)) + "…", cut);
        Assert.True(Encoding.UTF8.GetByteCount(cut) > 0 && !char.IsHighSurrogate(ReplyRules.Snippet(emoji)[^2]));
    }

    [Fact]
    public void A_reply_to_a_recalled_message_quotes_nothing_of_it_and_the_type_is_kept()
    {
        var tombstone = new ChatMessage("c", 1, "ann", "m", At, "", Recalled: true, ContentType: "image");
        Assert.Equal(new MessageQuote("ann", "", "image", Recalled: true), ReplyRules.Quote(tombstone));
        var image = new ChatMessage("c", 1, "ann", "m", At, "[image]", ContentType: "image", Content: """{"url":"https://h/a.png"}""");
        Assert.Equal(new MessageQuote("ann", "[image]", "image"), ReplyRules.Quote(image));
    }

    [Fact]
    public void A_recall_drops_the_content_and_the_quote_with_the_body()
    {
        var reply = new ChatMessage("c", 5, "ann", "m", At, "see", ReplyTo: 1, Quote: new MessageQuote("bob", "secret"), ContentType: "image", Content: "{}");
        var tombstone = RecallRules.Tombstone(reply);
        Assert.Equal(("", true, (MessageQuote?)null, (string?)null), (tombstone.Body, tombstone.Recalled, tombstone.Quote, tombstone.Content));
        Assert.Equal((1L, "image"), (tombstone.ReplyTo, tombstone.ContentType));
    }

    [Fact]
    public void Stored_messages_keep_reply_and_content_and_entries_written_before_them_still_read()
    {
        var reply = new ChatMessage("c", 5, "ann", "m5", At, "[image]", Mentions: ["bob"], ReplyTo: 2, Quote: new MessageQuote("bob", "lunch?", Recalled: null),
            ContentType: "image", Content: """{"url":"https://h/a.png","size":1,"mediaType":"image/png"}""");
        var entry = MessageCodec.ToEntry(reply);
        var json = Encoding.UTF8.GetString(entry.Payload);
        Assert.Contains("\"content\":{\"url\":\"https://h/a.png\"", json); // an object, not a quoted string
        Assert.Contains("\"quote\":{\"senderId\":\"bob\",\"snippet\":\"lunch?\"}", json);
        var read = MessageCodec.ToMessage("c", entry);
        Assert.Equal((reply.ReplyTo, reply.Quote, reply.ContentType, reply.Content), (read.ReplyTo, read.Quote, read.ContentType, read.Content));

        // What the first release stored: no reply, no type.
        var old = new TimelineEntry(3, At, """{"senderId":"ann","clientMsgId":"m3","body":"hello","mentions":["bob"]}"""u8.ToArray());
        var message = MessageCodec.ToMessage("c", old);
        Assert.Equal(("hello", 3L, "m3"), (message.Body, message.Seq, message.ClientMsgId));
        Assert.Equal(((long?)null, (MessageQuote?)null, (string?)null, (string?)null), (message.ReplyTo, message.Quote, message.ContentType, message.Content));
        var plain = Encoding.UTF8.GetString(MessageCodec.ToEntry(message).Payload);
        Assert.DoesNotContain("replyTo", plain); // text messages store nothing more than before
        Assert.DoesNotContain("content", plain);
    }

    [Fact]
    public void Inbox_events_keep_reply_and_content_drop_them_when_recalled_and_older_events_still_read()
    {
        var reply = new ChatMessage("c", 5, "ann", "m5", At, "see", ReplyTo: 2, Quote: new MessageQuote("bob", "lunch?"),
            ContentType: "file", Content: """{"url":"https://h/a.pdf","size":1,"mediaType":"application/pdf"}""");
        var entry = InboxEventCodec.ToEntry(9, At, SyncEvent.For(reply));
        Assert.Contains("\"content\":{\"url\"", Encoding.UTF8.GetString(entry.Payload));
        var read = InboxEventCodec.ToEvent(entry);
        Assert.Equal((2L, reply.Quote, "file", reply.Content), (read.ReplyTo, read.Quote, read.ContentType, read.Content));

        var recalled = InboxEventCodec.ToEvent(InboxEventCodec.Recalled(entry));
        Assert.Equal(("", true, (MessageQuote?)null, (string?)null), (recalled.Body, recalled.Recalled, recalled.Quote, recalled.Content));

        var old = InboxEventCodec.ToEvent(new TimelineEntry(3, At, """{"type":"message","conversationId":"c","seq":3,"senderId":"ann","clientMsgId":"m3","body":"hi"}"""u8.ToArray()));
        Assert.Equal(("hi", (long?)null, (MessageQuote?)null, (string?)null), (old.Body, old.ReplyTo, old.Quote, old.Content));
    }
}
