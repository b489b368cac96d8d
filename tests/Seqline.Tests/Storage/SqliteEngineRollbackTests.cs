using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using Seqline.Timelines.Sqlite;

namespace Seqline.Tests.Storage;

/// <summary>
/// SQLite itself may roll back the whole transaction of a group commit (IOERR, NOMEM, BUSY, or a
/// trigger's <c>RAISE(ROLLBACK)</c>, which these tests use to make it happen at will). Then no write
/// of that batch is stored: every one of them completes with an error, none is left waiting, and
/// the writer goes on with the next batch.
/// </summary>
public sealed class SqliteEngineRollbackTests : IAsyncLifetime, IDisposable
{
    // Far longer than any commit takes: a write still pending after it was never completed.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();
    private readonly SqliteDatabase _database;

    public SqliteEngineRollbackTests()
    {
        _database = new SqliteDatabase(new SqliteOptions { DataDirectory = _directory.Path }, NullLogger<SqliteDatabase>.Instance);
    }

    public Task InitializeAsync() => _database.EnsureSchemaAsync("""
        CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;
        CREATE TRIGGER notes_poison BEFORE INSERT ON notes WHEN NEW.id = 'poison'
        BEGIN SELECT RAISE(ROLLBACK, 'poisoned note (test)'); END;
        """);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_write_of_a_batch_the_engine_rolled_back_fails_and_the_next_batch_commits()
    {
        using var writer = await HeldSqliteWriter.Hold(_database);
        var before = Enumerable.Range(0, 5).Select(i => Note($"before-{i}")).ToList();
        var poisoned = Note("poison");
        var after = Enumerable.Range(0, 5).Select(i => Note($"after-{i}")).ToList();
        await writer.Release();

        var error = await Outcome(poisoned);
        Assert.Contains("poisoned note", Assert.IsType<SqliteException>(error).Message);
        // The rollback took the writes before it with it, and those after it never ran in a transaction.
        foreach (var write in before.Concat(after)) Assert.NotNull(await Outcome(write));
        Assert.Empty(await StoredNotes());

        Assert.Equal("later", await Note("later").WaitAsync(Bound));
        Assert.Equal("before-0", await Note("before-0").WaitAsync(Bound));
        Assert.Equal(["before-0", "later"], await StoredNotes());
    }

    [Fact]
    public async Task Appends_sharing_a_commit_with_one_the_engine_rolled_back_all_fail_and_can_be_retried()
    {
        var store = new SqliteTimelineStore(_database, "conversations");
        await store.EnsureCreatedAsync();
        await _database.EnsureSchemaAsync("""
            CREATE TRIGGER conversations_poison BEFORE INSERT ON conversations_entries WHEN NEW.timeline = 'poison'
            BEGIN SELECT RAISE(ROLLBACK, 'poisoned timeline (test)'); END;
            """);
        var timelines = Enumerable.Range(0, 6).Select(_ => "t-" + Guid.NewGuid().ToString("N")).ToList();

        using var writer = await HeldSqliteWriter.Hold(_database);
        var appends = timelines.Take(3).Select(t => store.AppendAsync(t, [Entry(1), Entry(2)])).ToList();
        var poisoned = store.AppendAsync("poison", [Entry(1)]);
        appends.AddRange(timelines.Skip(3).Select(t => store.AppendAsync(t, [Entry(1)])));
        await writer.Release();

        Assert.IsType<SqliteException>(await Outcome(poisoned));
        foreach (var append in appends) Assert.NotNull(await Outcome(append));
        foreach (var t in timelines) Assert.Equal(new TimelineHead(0, 0), await store.GetHeadAsync(t));

        // Nothing of the lost batch landed, so the same appends simply go through again.
        await Task.WhenAll(timelines.Select(t => store.AppendAsync(t, [Entry(1)]))).WaitAsync(Bound);
        foreach (var t in timelines) Assert.Equal(new TimelineHead(1, 0), await store.GetHeadAsync(t));
    }

    private Task<string> Note(string id) => _database.WriteAsync(commands =>
    {
        var insert = commands.Statement("INSERT INTO notes (id) VALUES ($id)");
        insert.Parameters.AddWithValue("$id", id);
        insert.ExecuteNonQuery();
        return id;
    });

    private Task<List<string>> StoredNotes() => SqliteNotes.Stored(_database);

    /// <summary>The error a write completed with (null if it succeeded); fails the test if it never completes.</summary>
    private static async Task<Exception?> Outcome(Task write)
    {
        var error = await Record.ExceptionAsync(() => write.WaitAsync(Bound));
        Assert.False(error is TimeoutException, "the write was never completed");
        return error;
    }

    private static TimelineEntry Entry(long seq) => new(seq, DateTimeOffset.UnixEpoch.AddSeconds(seq), [(byte)seq]);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
