using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Seqline.Client.Internal;

namespace Seqline.Tests.Client;

/// <summary>The client's pacing of push acknowledgements: one hub message for all conversations, at most one per interval.</summary>
public sealed class DeliveryAcksTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_first_goes_at_once_and_what_follows_within_the_interval_goes_as_one_message_with_the_newest_seqs()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new BlockingCollection<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, clock, batch => { sent.Add(batch); return Task.CompletedTask; });

        acks.Note([("direct", 3), ("group", 4)]);
        Assert.True(sent.TryTake(out var first, Wait));
        Assert.Equal([new("direct", 3), new("group", 4)], first.OrderBy(p => p.ConversationId, StringComparer.Ordinal));

        acks.Note([("direct", 5)]);
        acks.Note([("group", 8), ("other", 1)]);
        acks.Note([("direct", 6)]);
        Assert.Empty(sent); // nothing before the interval ends: only the clock could end it

        clock.Advance(Interval);
        Assert.True(sent.TryTake(out var second, Wait));
        Assert.Equal([new("direct", 6), new("group", 8), new("other", 1)], second.OrderBy(p => p.ConversationId, StringComparer.Ordinal));

        // A quiet interval later the next goes at once again.
        clock.Advance(Interval);
        acks.Note([("group", 9)]);
        Assert.True(sent.TryTake(out var third, Wait));
        Assert.Equal([new DeliveredPosition("group", 9)], third);
    }

    [Fact]
    public void More_conversations_than_one_message_may_name_go_as_several()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new ConcurrentQueue<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, clock, batch => { sent.Enqueue(batch); return Task.CompletedTask; });

        acks.Note(Enumerable.Range(0, DeliveryAcks.MaxPositionsPerMessage + 1).Select(i => ($"c{i}", (long)i)));

        Assert.Equal([DeliveryAcks.MaxPositionsPerMessage, 1], sent.Select(b => b.Length));
        Assert.Equal(DeliveryAcks.MaxPositionsPerMessage + 1, sent.SelectMany(b => b).Select(p => p.ConversationId).Distinct().Count());
        Assert.Equal(Seqline.Api.Endpoints.ReceiptCalls.MaxPositionsPerCall, DeliveryAcks.MaxPositionsPerMessage);
    }
}
