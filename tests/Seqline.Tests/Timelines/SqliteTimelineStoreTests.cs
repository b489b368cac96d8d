using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using Seqline.Timelines.Sqlite;

namespace Seqline.Tests.Timelines;

public sealed class SqliteTimelineStoreTests : TimelineStoreConformance, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SqliteDatabase _database;

    public SqliteTimelineStoreTests()
    {
        _database = new SqliteDatabase(new SqliteOptions { DataDirectory = _directory.Path }, NullLogger<SqliteDatabase>.Instance);
        Store = SqliteTimelineStore.Open(_database, "conversations");
    }

    protected override ITimelineStore Store { get; }

    [Fact]
    public async Task Entries_survive_closing_and_reopening_the_file()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 12);
        _database.Dispose();

        using var reopened = new SqliteDatabase(new SqliteOptions { DataDirectory = _directory.Path }, NullLogger<SqliteDatabase>.Instance);
        var store = SqliteTimelineStore.Open(reopened, "conversations");
        Assert.Equal(12, (await store.GetHeadAsync(t)).LastSeq);
        Assert.Equal(12, (await store.ReadAfterAsync(t, 0, 100)).Count);
    }

    [Fact]
    public async Task A_failing_write_does_not_undo_the_others_in_its_group_commit()
    {
        var good = NewTimeline();
        var clash = NewTimeline();
        await AppendRange(clash, 1, 1);

        var appends = Enumerable.Range(1, 20).Select(seq => Store.AppendAsync(good, [Entry(seq)])).ToList();
        var conflicting = Store.AppendAsync(clash, [Entry(1)]);
        await Task.WhenAll(appends);
        await Assert.ThrowsAsync<TimelineConflictException>(() => conflicting);

        Assert.Equal(20, (await Store.GetHeadAsync(good)).LastSeq);
        Assert.Equal(1, (await Store.GetHeadAsync(clash)).LastSeq);
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
