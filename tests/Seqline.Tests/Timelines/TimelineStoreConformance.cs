using System.Text;
using Seqline.Timelines;

namespace Seqline.Tests.Timelines;

/// <summary>
/// The behaviour every timeline store must show. Each provider runs it through a subclass that
/// supplies a real store (SQLite files, Azurite, memory).
/// </summary>
public abstract class TimelineStoreConformance : IAsyncLifetime
{
    protected abstract ITimelineStore Store { get; }

    // Built as a silo builds it: no I/O until its tables are created.
    public Task InitializeAsync() => Store.EnsureCreatedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected static string NewTimeline() => "t-" + Guid.NewGuid().ToString("N");

    protected static TimelineEntry Entry(long seq) =>
        new(seq, Epoch.AddSeconds(seq), Encoding.UTF8.GetBytes($"payload {seq}"));

    protected async Task AppendRange(string timeline, long from, int count, int batch = 50)
    {
        for (var start = from; start < from + count; start += batch)
        {
            var n = (int)Math.Min(batch, from + count - start);
            await Store.AppendAsync(timeline, Enumerable.Range(0, n).Select(i => Entry(start + i)).ToArray());
        }
    }

    protected static void AssertSeqs(IReadOnlyList<TimelineEntry> entries, long from, long to)
    {
        Assert.Equal(Enumerable.Range(0, (int)(to - from + 1)).Select(i => from + i), entries.Select(e => e.Seq));
        foreach (var e in entries) Assert.Equal($"payload {e.Seq}", Encoding.UTF8.GetString(e.Payload));
    }

    [Fact]
    public async Task Creating_the_tables_again_keeps_the_entries()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 3);

        // As silos starting together do: several at once, then one more.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Store.EnsureCreatedAsync()));
        await Store.EnsureCreatedAsync();

        AssertSeqs(await Store.ReadAfterAsync(t, 0, 10), 1, 3);
        Assert.Equal(new TimelineHead(3, 0), await Store.GetHeadAsync(t));
    }

    [Fact]
    public async Task An_empty_timeline_has_head_zero_and_reads_nothing()
    {
        var t = NewTimeline();
        Assert.Equal(new TimelineHead(0, 0), await Store.GetHeadAsync(t));
        Assert.Empty(await Store.ReadAfterAsync(t, 0, 10));
        Assert.Empty(await Store.ReadBeforeAsync(t, 100, 10));
        Assert.Equal(0, await Store.TrimThroughAsync(t, 10, 10));
    }

    [Fact]
    public async Task Appended_entries_read_forward_in_order_with_payload_and_time()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 30, batch: 7);

        var all = await Store.ReadAfterAsync(t, 0, 1000);
        AssertSeqs(all, 1, 30);
        Assert.All(all, e => Assert.Equal(Entry(e.Seq).Timestamp, e.Timestamp));
        Assert.Equal(new TimelineHead(30, 0), await Store.GetHeadAsync(t));
    }

    [Fact]
    public async Task Reading_forward_honours_the_checkpoint_and_the_limit()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 25);

        AssertSeqs(await Store.ReadAfterAsync(t, 10, 5), 11, 15);
        AssertSeqs(await Store.ReadAfterAsync(t, 20, 100), 21, 25);
        Assert.Empty(await Store.ReadAfterAsync(t, 25, 10));
        Assert.Empty(await Store.ReadAfterAsync(t, 40, 10));
    }

    [Fact]
    public async Task Reading_backward_returns_the_nearest_older_entries_ascending()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 25);

        AssertSeqs(await Store.ReadBeforeAsync(t, 26, 5), 21, 25);
        AssertSeqs(await Store.ReadBeforeAsync(t, 11, 4), 7, 10);
        AssertSeqs(await Store.ReadBeforeAsync(t, 4, 100), 1, 3);
        Assert.Empty(await Store.ReadBeforeAsync(t, 1, 10));
        AssertSeqs(await Store.ReadBeforeAsync(t, long.MaxValue, 3), 23, 25);
    }

    [Fact]
    public async Task Appends_larger_than_a_storage_batch_stay_whole_and_contiguous()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 250, batch: 250);
        await AppendRange(t, 251, 1);

        AssertSeqs(await Store.ReadAfterAsync(t, 0, 1000), 1, 251);
        Assert.Equal(251, (await Store.GetHeadAsync(t)).LastSeq);
    }

    [Fact]
    public async Task Appending_a_seq_that_exists_is_a_conflict_and_changes_nothing()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 5);

        var clash = new[] { new TimelineEntry(5, Epoch, [9, 9, 9]), new TimelineEntry(6, Epoch, [9]) };
        var error = await Assert.ThrowsAsync<TimelineConflictException>(() => Store.AppendAsync(t, clash));
        Assert.Equal(t, error.Timeline);

        AssertSeqs(await Store.ReadAfterAsync(t, 0, 100), 1, 5);
        Assert.Equal(5, (await Store.GetHeadAsync(t)).LastSeq);
    }

    [Fact]
    public async Task Entries_that_are_not_consecutive_are_refused()
    {
        var t = NewTimeline();
        var gap = new[] { Entry(1), Entry(3) };
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(t, gap));
        Assert.Equal(0, (await Store.GetHeadAsync(t)).LastSeq);
    }

    [Fact]
    public async Task Trimming_removes_a_bounded_prefix_and_reads_below_it_say_so()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 40);

        Assert.Equal(10, await Store.TrimThroughAsync(t, 30, maxRows: 10));
        Assert.Equal(new TimelineHead(40, 10), await Store.GetHeadAsync(t));
        Assert.Equal(20, await Store.TrimThroughAsync(t, 30, maxRows: 100));
        Assert.Equal(0, await Store.TrimThroughAsync(t, 30, maxRows: 100));

        var trimmed = await Assert.ThrowsAsync<TimelineTrimmedException>(() => Store.ReadAfterAsync(t, 5, 10));
        Assert.Equal(30, trimmed.TrimmedThrough);
        AssertSeqs(await Store.ReadAfterAsync(t, 30, 100), 31, 40);
        AssertSeqs(await Store.ReadBeforeAsync(t, 35, 100), 31, 34);
        Assert.Equal(new TimelineHead(40, 30), await Store.GetHeadAsync(t));

        // The tail keeps growing after a trim, without reusing seqs.
        await AppendRange(t, 41, 2);
        AssertSeqs(await Store.ReadAfterAsync(t, 30, 100), 31, 42);
    }

    [Fact]
    public async Task Trimming_everything_keeps_the_last_seq()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 5);
        Assert.Equal(5, await Store.TrimThroughAsync(t, 100, 100));
        Assert.Equal(new TimelineHead(5, 5), await Store.GetHeadAsync(t));
        Assert.Empty(await Store.ReadAfterAsync(t, 5, 10));
        await Assert.ThrowsAsync<TimelineConflictException>(() => Store.AppendAsync(t, [Entry(5)]));
        await AppendRange(t, 6, 1);
        AssertSeqs(await Store.ReadAfterAsync(t, 5, 10), 6, 6);
    }

    [Fact]
    public async Task Trimming_by_age_removes_only_the_old_prefix()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 20);

        var removed = await Store.TrimOlderThanAsync(t, Entry(8).Timestamp, maxRows: 100);
        Assert.Equal(7, removed);
        AssertSeqs(await Store.ReadAfterAsync(t, 7, 100), 8, 20);
    }

    [Fact]
    public async Task Timelines_are_independent()
    {
        var a = NewTimeline();
        var b = NewTimeline();
        await AppendRange(a, 1, 3);
        await AppendRange(b, 1, 5);
        await Store.TrimThroughAsync(a, 3, 10);

        Assert.Equal(new TimelineHead(3, 3), await Store.GetHeadAsync(a));
        AssertSeqs(await Store.ReadAfterAsync(b, 0, 10), 1, 5);
    }

    [Fact]
    public async Task Replacing_an_entry_rewrites_its_payload_in_place_and_nothing_else()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 5);
        var big = new byte[130_000];
        await Store.ReplaceAsync(t, new TimelineEntry(3, Entry(3).Timestamp, big));
        await Store.ReplaceAsync(t, new TimelineEntry(3, Entry(99).Timestamp, [7]));

        var all = await Store.ReadAfterAsync(t, 0, 10);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, all.Select(e => e.Seq));
        Assert.Equal(new byte[] { 7 }, all[2].Payload);
        Assert.Equal(Entry(3).Timestamp, all[2].Timestamp);
        Assert.Equal("payload 4", Encoding.UTF8.GetString(all[3].Payload));
        Assert.Equal(5, (await Store.GetHeadAsync(t)).LastSeq);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.ReplaceAsync(t, Entry(6)));
        await Store.TrimThroughAsync(t, 1, 10);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.ReplaceAsync(t, Entry(1)));
        Assert.Equal(5, (await Store.GetHeadAsync(t)).LastSeq);
    }

    [Fact]
    public async Task Binary_payloads_round_trip_exactly()
    {
        var t = NewTimeline();
        var payload = new byte[16 * 1024 + 300];
        new Random(7).NextBytes(payload);
        payload[0] = 0;
        await Store.AppendAsync(t, [new TimelineEntry(1, Epoch, payload), new TimelineEntry(2, Epoch, [])]);

        var read = await Store.ReadAfterAsync(t, 0, 10);
        Assert.Equal(payload, read[0].Payload);
        Assert.Empty(read[1].Payload);
    }

    [Fact]
    public async Task Concurrent_appends_to_many_timelines_all_land_contiguous()
    {
        var timelines = Enumerable.Range(0, 40).Select(_ => NewTimeline()).ToArray();
        const int appendsEach = 15;

        // Each timeline has one writer (as with a grain); the writers run at once.
        await Task.WhenAll(timelines.Select(async t =>
        {
            for (var seq = 1; seq <= appendsEach; seq++) await Store.AppendAsync(t, [Entry(seq)]);
        }));

        foreach (var t in timelines)
        {
            AssertSeqs(await Store.ReadAfterAsync(t, 0, 100), 1, appendsEach);
            Assert.Equal(appendsEach, (await Store.GetHeadAsync(t)).LastSeq);
        }
    }

    [Fact]
    public async Task Racing_writers_on_one_timeline_never_both_win_a_seq()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 3);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Store.AppendAsync(t, [new TimelineEntry(4, Epoch, [(byte)i])]);
                return true;
            }
            catch (TimelineConflictException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
        var four = Assert.Single(await Store.ReadAfterAsync(t, 3, 10));
        Assert.Equal(Array.IndexOf(outcomes, true), four.Payload[0]);
    }
}
