using Microsoft.Extensions.Time.Testing;
using Seqline.Api.Push;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Receipts;

namespace Seqline.Tests.Receipts;

/// <summary>
/// What an edge node keeps of its devices' push acknowledgements: only what it pushed, merged per
/// conversation, and when it tells the conversations' receipts.
/// </summary>
public sealed class AcknowledgementBookTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BusyInterval = TimeSpan.FromSeconds(8);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private AcknowledgementBook NewBook() => new(Interval, BusyInterval, _clock);

    private static SyncEvent Message(string conversationId, long seq, string senderId) => new(SyncEventTypes.Message, conversationId, seq, senderId);

    private static Dictionary<string, List<MemberDelivered>> ByConversation(IEnumerable<(string ConversationId, List<MemberDelivered> Members)> due) =>
        due.ToDictionary(c => c.ConversationId, c => c.Members.OrderBy(m => m.UserId, StringComparer.Ordinal).ToList());

    [Fact]
    public void Members_devices_leave_one_position_per_member_the_newest_and_a_conversation_is_told_once()
    {
        var book = NewBook();
        book.Pushed("bob", [Message("direct", 5, "alice"), Message("group", 9, "alice")]);
        book.Pushed("alice", [Message("direct", 4, "bob")]);

        book.Add("bob", [new("direct", 5), new("group", 9)]);
        book.Add("bob", [new("direct", 3), new("group", 9)]); // bob's other device, behind
        book.Add("alice", [new("direct", 4)]);

        var due = ByConversation(book.TakeDue());
        Assert.Equal([new MemberDelivered("alice", 4), new MemberDelivered("bob", 5)], due["direct"]);
        Assert.Equal([new MemberDelivered("bob", 9)], due["group"]);
        Assert.Equal(2, due.Count);
    }

    [Fact]
    public void Only_what_was_pushed_counts_no_further_than_the_newest_push_and_not_the_users_own_messages()
    {
        var book = NewBook();
        book.Pushed("bob", [Message("direct", 5, "alice"), Message("direct", 6, "bob"), Message("mine", 2, "bob")]);

        // What was skipped is said, for a client that sent it to a node other than the one that pushed it.
        Assert.Equal(["mine", "never-pushed"], book.Add("bob", [new("direct", 100), new("mine", 2), new("never-pushed", 1)]));
        Assert.Equal(["direct"], book.Add("carol", [new("direct", 5)])); // nothing was pushed to carol here
        Assert.Empty(book.Add("bob", [new("direct", 4)]));

        Assert.Equal([new MemberDelivered("bob", 5)], Assert.Single(book.TakeDue()).Members);
    }

    [Fact]
    public void Messages_pushed_through_read_fan_out_are_not_kept_so_their_acknowledgements_go_nowhere()
    {
        var book = NewBook();
        book.Pushed("bob", [Message("large", 7, "alice") with { Fanout = FanoutMode.Read }, Message("direct", 3, "alice")]);

        book.Add("bob", [new("large", 7), new("direct", 3)]);

        var due = Assert.Single(book.TakeDue());
        Assert.Equal("direct", due.ConversationId);
        Assert.Equal([new MemberDelivered("bob", 3)], due.Members);
    }

    [Fact]
    public void A_conversation_is_told_at_once_after_a_quiet_pace_and_at_most_once_per_pace_while_busy()
    {
        var book = NewBook();
        book.Pushed("bob", [Message("direct", 1, "alice")]);
        book.Add("bob", [new("direct", 1)]);
        Assert.Equal([new MemberDelivered("bob", 1)], Assert.Single(book.TakeDue()).Members);

        // Within the interval: kept, merged, and due at its end.
        book.Pushed("bob", [Message("direct", 3, "alice"), Message("group", 4, "alice")]);
        book.Add("bob", [new("direct", 2)]);
        book.Add("bob", [new("direct", 3), new("group", 4)]);
        _clock.Advance(Interval / 2);
        Assert.Equal(["group"], book.TakeDue().Select(c => c.ConversationId));
        _clock.Advance(Interval / 2);
        Assert.Equal([new MemberDelivered("bob", 3)], Assert.Single(book.TakeDue()).Members);

        // Nothing waits: nothing goes. The direct conversation waited, so its pace doubled: a quiet
        // pace of twice the interval later, the next goes at once.
        _clock.Advance(2 * Interval);
        Assert.Empty(book.TakeDue());
        book.Pushed("bob", [Message("direct", 5, "alice")]);
        book.Add("bob", [new("direct", 5)]);
        Assert.Equal([new MemberDelivered("bob", 5)], Assert.Single(book.TakeDue()).Members);
    }

    [Fact]
    public void While_acknowledgements_keep_coming_the_pace_grows_to_the_busy_interval_and_a_quiet_one_forgets_the_conversation()
    {
        var book = NewBook();
        var seq = 0L;
        // An acknowledgement right after each forward: how long until it goes.
        TimeSpan NextForward()
        {
            book.Pushed("bob", [Message("direct", ++seq, "alice")]);
            book.Add("bob", [new("direct", seq)]);
            var waited = TimeSpan.Zero;
            for (; waited <= BusyInterval; waited += TimeSpan.FromMilliseconds(500), _clock.Advance(TimeSpan.FromMilliseconds(500)))
                if (book.TakeDue() is [var due])
                {
                    Assert.Equal(new MemberDelivered("bob", seq), Assert.Single(due.Members));
                    return waited;
                }
            throw new Xunit.Sdk.XunitException("Not forwarded within the busy interval.");
        }

        Assert.Equal(
            [TimeSpan.Zero, Interval, 2 * Interval, BusyInterval, BusyInterval],
            Enumerable.Range(0, 5).Select(_ => NextForward()).ToList());

        // The longest pace without one: forgotten, and the next goes at once at the shortest pace again.
        _clock.Advance(BusyInterval);
        Assert.Empty(book.TakeDue());
        Assert.Equal([TimeSpan.Zero, Interval], Enumerable.Range(0, 2).Select(_ => NextForward()).ToList());
    }

    [Fact]
    public void A_user_whose_last_device_left_can_acknowledge_nothing_pushed_before_and_stopping_takes_what_waits()
    {
        var book = NewBook();
        book.Pushed("bob", [Message("direct", 1, "alice")]);
        book.Pushed("carol", [Message("group", 7, "alice")]);
        book.Add("carol", [new("group", 7)]);
        book.TakeDue();
        book.Add("carol", [new("group", 7)]);

        book.Forget("bob");
        book.Add("bob", [new("direct", 1)]);

        Assert.Empty(book.TakeDue());
        Assert.Equal([("group", "carol")], book.TakeAll().Select(c => (c.ConversationId, Assert.Single(c.Members).UserId)));
        Assert.Empty(book.TakeAll());
    }
}
