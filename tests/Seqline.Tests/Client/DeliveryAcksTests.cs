using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Seqline.Client;
using Seqline.Client.Internal;

namespace Seqline.Tests.Client;

/// <summary>The client's pacing of push acknowledgements: one hub message for all conversations, at most one per pace.</summary>
public sealed class DeliveryAcksTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BusyInterval = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_push_is_acknowledged_for_its_messages_but_not_for_notices_or_messages_of_read_fan_out()
    {
        SyncEvent[] push =
        [
            new(SyncEventTypes.Message, "direct", 3, "alice"),
            new(SyncEventTypes.Message, "large", 40, "alice", Fanout: FanoutModes.Read),
            new(SyncEventTypes.Read, "direct", 2),
            new(SyncEventTypes.Edited, "group", 7, "alice", TargetSeq: 5),
            new(SyncEventTypes.Message, "group", 8, "carol"),
        ];

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new BlockingCollection<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, BusyInterval, clock, batch => { sent.Add(batch); return Task.CompletedTask; });

        // A push of read fan-out alone: nothing waits, nothing goes.
        acks.NotePushed([push[1]]);
        Assert.Null(acks.DueAt);
        Assert.Null(acks.TakeWaiting());

        acks.NotePushed(push);
        Assert.True(sent.TryTake(out var first, Wait));
        Assert.Equal([new("direct", 3), new("group", 8)], first.OrderBy(p => p.ConversationId, StringComparer.Ordinal));
        Assert.Empty(sent);
    }

    [Fact]
    public async Task The_first_goes_at_once_and_what_follows_within_the_interval_goes_as_one_message_with_the_newest_seqs()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new BlockingCollection<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, BusyInterval, clock, batch => { sent.Add(batch); return Task.CompletedTask; });

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

        // A quiet pace later (the second waited, so the pace doubled) the next goes at once again.
        clock.Advance(2 * Interval);
        acks.Note([("group", 9)]);
        Assert.True(sent.TryTake(out var third, Wait));
        Assert.Equal([new DeliveredPosition("group", 9)], third);
    }

    [Fact]
    public async Task What_waits_for_the_pace_can_be_taken_for_a_send_which_counts_as_sent_for_the_pace()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new BlockingCollection<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, BusyInterval, clock, batch => { sent.Add(batch); return Task.CompletedTask; });
        Assert.Null(acks.TakeWaiting());
        acks.Note([("direct", 3)]);
        Assert.True(sent.TryTake(out _, Wait));

        // Due a pace after the first (1 s); the pace is 2 s from then on.
        var start = clock.GetUtcNow();
        acks.Note([("direct", 5), ("group", 8)]);
        Assert.Equal(start + Interval, acks.DueAt);
        clock.Advance(Interval / 2);
        var riding = acks.TakeWaiting();
        Assert.Equal([new("direct", 5), new("group", 8)], riding!.OrderBy(p => p.ConversationId, StringComparer.Ordinal));
        Assert.Null(acks.TakeWaiting());

        // The send counts as sent: what comes after it waits a whole pace (2 s) from it, not the 1 s due before.
        Assert.Equal(start + Interval / 2 + 2 * Interval, acks.DueAt);
        acks.Note([("other", 1)]);
        clock.Advance(Interval);
        Assert.Empty(sent);
        clock.Advance(Interval);
        Assert.True(sent.TryTake(out var rest, Wait));
        Assert.Equal([new DeliveredPosition("other", 1)], rest);

        // A send more than an interval before the batch is due carries nothing: the batch waits for its pace.
        acks.Note(Enumerable.Range(0, DeliveryAcks.MaxPositionsPerMessage + 10).Select(i => ($"c{i}", (long)i)));
        Assert.Null(acks.TakeWaiting());
        // Within the last interval: at most what one message may carry, and the rest waits a pace more.
        clock.Advance(acks.DueAt!.Value - clock.GetUtcNow() - Interval / 2);
        Assert.Equal(DeliveryAcks.MaxPositionsPerMessage, acks.TakeWaiting()!.Length);
        Assert.Null(acks.TakeWaiting());
        // The rest goes when due, with what came after, none of it twice.
        acks.Note([("late", 1)]);
        clock.Advance(BusyInterval);
        Assert.True(sent.TryTake(out var late, Wait));
        Assert.Equal(11, late.Length);
        Assert.Contains(new DeliveredPosition("late", 1), late);
        Assert.DoesNotContain(late, p => p.Seq < DeliveryAcks.MaxPositionsPerMessage && p.ConversationId != "late");
    }

    [Fact]
    public void A_device_that_sends_within_every_interval_sends_no_acknowledgement_of_its_own_and_one_batch_a_pace()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new BlockingCollection<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, BusyInterval, clock, batch => { sent.Add(batch); return Task.CompletedTask; });
        acks.Note([("direct", 1)]);
        Assert.True(sent.TryTake(out _, Wait)); // the first, at once

        var (rode, rides, sends) = (0L, 0, 0);
        var start = clock.GetUtcNow();
        for (var second = 2; second < 60; second++)
        {
            acks.Note([("direct", second)]);
            clock.Advance(Interval * 0.9);
            sends++;
            if (acks.TakeWaiting() is { } riding)
            {
                rides++;
                rode = Math.Max(rode, riding.Single().Seq);
            }
            // The batch due moves a whole pace past each ride, so the hub's turn never comes.
            Assert.True(acks.DueAt > clock.GetUtcNow() + Interval / 2, $"due {acks.DueAt:O}, now {clock.GetUtcNow():O}");
        }
        Assert.Empty(sent);

        // Not a batch on every send: once the pace reached the busy interval, one ride a pace at most,
        // and at least one in each pace and the interval before its end.
        var elapsed = clock.GetUtcNow() - start;
        Assert.InRange(rides, (int)(elapsed / (BusyInterval + Interval)), 2 + (int)(elapsed / (BusyInterval - Interval)));
        Assert.True(rides < sends / 3, $"{rides} rides on {sends} sends");
        // What came after the last ride goes at its due, and everything was acknowledged once.
        Assert.True(rode < 59);
        clock.Advance(acks.DueAt!.Value - clock.GetUtcNow());
        Assert.True(sent.TryTake(out var last, Wait));
        Assert.Equal([new DeliveredPosition("direct", 59)], last);
    }

    [Fact]
    public void While_pushes_keep_coming_the_pace_doubles_up_to_the_busy_interval_and_a_quiet_pace_brings_it_back()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new BlockingCollection<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, BusyInterval, clock, batch => { sent.Add(batch); return Task.CompletedTask; });
        var seq = 0L;

        // A push right after each acknowledgement: it goes no earlier than the pace expected (only the
        // clock could send it) and then at once.
        void GoesAfter(TimeSpan pace)
        {
            acks.Note([("busy", ++seq)]);
            if (pace > TimeSpan.Zero)
            {
                clock.Advance(pace - TimeSpan.FromMilliseconds(1));
                Assert.Empty(sent);
                clock.Advance(TimeSpan.FromMilliseconds(1));
            }
            Assert.True(sent.TryTake(out var batch, Wait));
            Assert.Equal([new DeliveredPosition("busy", seq)], batch);
        }

        GoesAfter(TimeSpan.Zero);
        GoesAfter(Interval);
        GoesAfter(2 * Interval);
        GoesAfter(BusyInterval);
        GoesAfter(BusyInterval); // no further than the busy interval

        // A whole busy pace without a push: the next goes at once, and the pace starts over.
        clock.Advance(BusyInterval);
        GoesAfter(TimeSpan.Zero);
        GoesAfter(Interval);
    }

    [Fact]
    public void More_conversations_than_one_message_may_name_go_as_several()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sent = new ConcurrentQueue<DeliveredPosition[]>();
        var acks = new DeliveryAcks(Interval, BusyInterval, clock, batch => { sent.Enqueue(batch); return Task.CompletedTask; });

        acks.Note(Enumerable.Range(0, DeliveryAcks.MaxPositionsPerMessage + 1).Select(i => ($"c{i}", (long)i)));

        Assert.Equal([DeliveryAcks.MaxPositionsPerMessage, 1], sent.Select(b => b.Length));
        Assert.Equal(DeliveryAcks.MaxPositionsPerMessage + 1, sent.SelectMany(b => b).Select(p => p.ConversationId).Distinct().Count());
        Assert.Equal(Seqline.Api.Endpoints.ReceiptCalls.MaxPositionsPerCall, DeliveryAcks.MaxPositionsPerMessage);
    }
}
