using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Timelines.Memory;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// An inbox's copies after a recall: the recalled message's copy is blanked, and so is the quote
/// of it in copies of replies; other quotes stay. An inbox that copied nothing of the recalled
/// messages (read fan-out) reads nothing for the recall.
/// </summary>
public sealed class RecalledCopiesTests
{
    private const string User = "bob";
    private const string Chat = "c-1";
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    private readonly CountingTimelineStore _inbox = new(new MemoryTimelineStore());

    private static SyncEvent Message(long seq, string body, long? replyTo = null, string? quoted = null, string conversationId = Chat) =>
        new(SyncEventTypes.Message, conversationId, seq, "ann", $"m{seq}", At, body,
            ReplyTo: replyTo, Quote: quoted is null ? null : new MessageQuote("ann", quoted));

    private async Task Holds(params SyncEvent[] events) =>
        await _inbox.AppendAsync(User, events.Select((e, i) => InboxEventCodec.ToEntry(i + 1, At, e)).ToList());

    private async Task<List<SyncEvent>> Copies() =>
        (await _inbox.ReadAfterAsync(User, 0, 100)).Select(InboxEventCodec.ToEvent).ToList();

    [Fact]
    public async Task The_copy_and_the_quotes_of_it_in_replies_are_blanked_and_nothing_else()
    {
        await Holds(
            Message(1, "the secret plan"),
            Message(7, "elsewhere", replyTo: 1, quoted: "not this one", conversationId: "c-2"),
            Message(2, "love it", replyTo: 1, quoted: "the secret plan"),
            Message(3, "and this", replyTo: 2, quoted: "love it"));

        await new RecalledCopies(_inbox, User).Blank(Chat, [1], head: 4, trimmedThrough: 0);

        var copies = await Copies();
        Assert.Equal(("", true), (copies[0].Body, copies[0].Recalled));
        Assert.Equal(new MessageQuote("ann", "not this one"), copies[1].Quote);
        Assert.Equal((new MessageQuote("ann", "", Recalled: true), "love it"), (copies[2].Quote, copies[2].Body));
        Assert.Equal(new MessageQuote("ann", "love it"), copies[3].Quote);
    }

    [Fact]
    public async Task An_inbox_that_copied_none_of_the_recalled_messages_reads_nothing()
    {
        await Holds(Message(1, "before the switch"), Message(2, "also before"));
        var reads = _inbox.Queries;

        // The conversation switched to read fan-out at 3: messages from there on were never copied here.
        await new RecalledCopies(_inbox, User).Blank(Chat, [3, 5], head: 2, trimmedThrough: 0, copiedBelow: 3);

        Assert.Equal(reads, _inbox.Queries);
        Assert.Equal(["before the switch", "also before"], (await Copies()).Select(e => e.Body));
    }
}
