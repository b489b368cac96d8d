using Seqline.Api.Push;
using Seqline.Receipts;

namespace Seqline.Tests.Receipts;

/// <summary>What an edge node keeps of its devices' push acknowledgements, and when it forwards them.</summary>
public sealed class AcknowledgementBookTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Two_devices_of_a_user_leave_one_position_per_conversation_the_newest()
    {
        var book = new AcknowledgementBook(Interval);
        book.Add("bob", [new("direct", 5), new("group", 9)]);
        book.Add("bob", [new("direct", 7), new("group", 3)]);
        book.Add("carol", [new("group", 9)]);

        var due = book.TakeDue(Start).ToDictionary(u => u.UserId, u => u.Positions.OrderBy(p => p.ConversationId, StringComparer.Ordinal).ToList());

        Assert.Equal([new DeliveredPosition("direct", 7), new DeliveredPosition("group", 9)], due["bob"]);
        Assert.Equal([new DeliveredPosition("group", 9)], due["carol"]);
        Assert.Equal(2, due.Count);
    }

    [Fact]
    public void A_user_is_forwarded_at_once_after_a_quiet_interval_and_at_most_once_per_interval_while_busy()
    {
        var book = new AcknowledgementBook(Interval);
        book.Add("bob", [new("direct", 1)]);
        Assert.Equal([new DeliveredPosition("direct", 1)], Assert.Single(book.TakeDue(Start)).Positions);

        // Within the interval: kept, merged, and due at its end.
        book.Add("bob", [new("direct", 2)]);
        book.Add("bob", [new("direct", 3), new("group", 4)]);
        book.Add("carol", [new("group", 4)]);
        Assert.Equal(["carol"], book.TakeDue(Start.AddMilliseconds(500)).Select(u => u.UserId));
        var bobs = Assert.Single(book.TakeDue(Start + Interval));
        Assert.Equal([new DeliveredPosition("direct", 3), new DeliveredPosition("group", 4)], bobs.Positions.OrderBy(p => p.ConversationId, StringComparer.Ordinal));

        // Nothing waits: nothing goes, and a quiet interval later bob's next one goes at once.
        Assert.Empty(book.TakeDue(Start + 2 * Interval));
        book.Add("bob", [new("direct", 5)]);
        Assert.Equal([new DeliveredPosition("direct", 5)], Assert.Single(book.TakeDue(Start + 2 * Interval)).Positions);
    }

    [Fact]
    public void Stopping_takes_everything_whatever_the_pace_and_an_empty_acknowledgement_forwards_nothing()
    {
        var book = new AcknowledgementBook(Interval);
        book.Add("bob", [new("direct", 1)]);
        book.TakeDue(Start);
        book.Add("bob", [new("direct", 2)]);
        book.Add("carol", []);

        Assert.DoesNotContain(book.TakeDue(Start.AddMilliseconds(10)), u => u.UserId == "bob");
        Assert.Equal([("bob", 2L)], book.TakeAll().Select(u => (u.UserId, Assert.Single(u.Positions).Seq)));
        Assert.Empty(book.TakeAll());
        Assert.Empty(book.TakeDue(Start + 10 * Interval));
    }
}
