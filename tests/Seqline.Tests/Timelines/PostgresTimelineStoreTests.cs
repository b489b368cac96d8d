using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using Seqline.Timelines.Postgres;

namespace Seqline.Tests.Timelines;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTimelineStoreTests(PostgresFixture postgres) : TimelineStoreConformance
{
    protected override ITimelineStore Store { get; } = new PostgresTimelineStore(postgres.Database, TimelineStoreNames.Conversations);

    // Beyond the conformance suite: a writer that read the head before a trim deleted the rows it
    // would collide with is still refused, because the head row, not the entries, decides.
    [Fact]
    public async Task A_stale_writer_is_refused_at_seqs_a_trim_has_deleted()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 10);
        Assert.Equal(10, await Store.TrimThroughAsync(t, 10, 100));

        await Assert.ThrowsAsync<TimelineConflictException>(() => Store.AppendAsync(t, [Entry(9), Entry(10)]));
        Assert.Equal(new TimelineHead(10, 10), await Store.GetHeadAsync(t));
        Assert.Empty(await Store.ReadAfterAsync(t, 10, 10));
    }
}
