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
        Store = new SqliteTimelineStore(_database, "conversations");
    }

    protected override ITimelineStore Store { get; }

    [Fact]
    public async Task Entries_survive_closing_and_reopening_the_file()
    {
        var t = NewTimeline();
        await AppendRange(t, 1, 12);
        _database.Dispose();

        using var reopened = new SqliteDatabase(new SqliteOptions { DataDirectory = _directory.Path }, NullLogger<SqliteDatabase>.Instance);
        var store = new SqliteTimelineStore(reopened, "conversations");
        Assert.Equal(12, (await store.GetHeadAsync(t)).LastSeq);
        Assert.Equal(12, (await store.ReadAfterAsync(t, 0, 100)).Count);
    }

    [Fact]
    public async Task Appends_to_many_timelines_waiting_at_the_same_moment_go_into_one_transaction()
    {
        var timelines = Enumerable.Range(0, 100).Select(_ => NewTimeline()).ToList();
        foreach (var t in timelines) await AppendRange(t, 1, 2);

        using var writer = await HeldSqliteWriter.Hold(_database);
        var (commits, writes) = (_database.Commits, _database.WritesCommitted);
        var appends = timelines.Select(t => Store.AppendAsync(t, [Entry(3), Entry(4), Entry(5)])).ToList();
        Assert.DoesNotContain(appends, a => a.IsCompleted);
        await writer.Release();
        await Task.WhenAll(appends);

        // The holding write's own transaction, then a single one for all hundred appends.
        Assert.Equal(commits + 2, _database.Commits);
        Assert.Equal(writes + 1 + timelines.Count, _database.WritesCommitted);
        foreach (var t in timelines) AssertSeqs(await Store.ReadAfterAsync(t, 0, 100), 1, 5);
    }

    [Fact]
    public async Task A_failing_write_does_not_undo_the_others_in_its_group_commit()
    {
        var good = Enumerable.Range(0, 20).Select(_ => NewTimeline()).ToList();
        var clash = NewTimeline();
        await AppendRange(clash, 1, 1);

        using var writer = await HeldSqliteWriter.Hold(_database);
        var commits = _database.Commits;
        var appends = good.Select(t => Store.AppendAsync(t, [Entry(1)])).ToList();
        var conflicting = Store.AppendAsync(clash, [Entry(1)]);
        appends.AddRange(good.Select(t => Store.AppendAsync(t, [Entry(2)])));
        await writer.Release();

        await Task.WhenAll(appends);
        await Assert.ThrowsAsync<TimelineConflictException>(() => conflicting);
        Assert.Equal(commits + 2, _database.Commits);
        foreach (var t in good) AssertSeqs(await Store.ReadAfterAsync(t, 0, 10), 1, 2);
        Assert.Equal(new TimelineHead(1, 0), await Store.GetHeadAsync(clash));
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
