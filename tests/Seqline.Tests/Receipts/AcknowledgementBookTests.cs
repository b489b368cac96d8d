using Seqline.Api.Push;
using Seqline.Receipts;

namespace Seqline.Tests.Receipts;

/// <summary>What an edge node keeps of its devices' push acknowledgements between two forwards.</summary>
public sealed class AcknowledgementBookTests
{
    [Fact]
    public void Two_devices_of_a_user_leave_one_position_per_conversation_the_newest()
    {
        var book = new AcknowledgementBook();
        book.Add("bob", [new("direct", 5), new("group", 9)]);
        book.Add("bob", [new("direct", 7), new("group", 3)]);
        book.Add("carol", [new("group", 9)]);

        var due = book.TakeAll().ToDictionary(u => u.UserId, u => u.Positions.OrderBy(p => p.ConversationId, StringComparer.Ordinal).ToList());

        Assert.Equal([new DeliveredPosition("direct", 7), new DeliveredPosition("group", 9)], due["bob"]);
        Assert.Equal([new DeliveredPosition("group", 9)], due["carol"]);
        Assert.Equal(2, due.Count);
    }

    [Fact]
    public void A_take_leaves_nothing_behind_and_an_empty_acknowledgement_leaves_no_user()
    {
        var book = new AcknowledgementBook();
        book.Add("bob", [new("direct", 5)]);
        book.Add("carol", []);

        Assert.Equal(["bob"], book.TakeAll().Select(u => u.UserId));
        Assert.Empty(book.TakeAll());

        book.Add("bob", [new("direct", 2)]);
        Assert.Equal([new DeliveredPosition("direct", 2)], Assert.Single(book.TakeAll()).Positions);
    }
}
