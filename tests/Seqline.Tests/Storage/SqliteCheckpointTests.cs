using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// Checkpoints run beside the single writer, never inside a commit: the writer's own connection
/// leaves the WAL growing, and the checkpointer copies it back once the writer has added the
/// configured number of pages, after which the writer starts the WAL over.
/// </summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private const int Rounds = 20;
    private const int WritesPerRound = 50;
    private const int PayloadBytes = 8 * 1024;
    private const long WrittenBytes = (long)Rounds * WritesPerRound * PayloadBytes;

    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Under_steady_writes_the_WAL_is_started_over_after_each_checkpoint()
    {
        using var database = await Open("checkpointed.db", pagesBetweenCheckpoints: 64);

        // Round after round with no pause: the checkpointer never finds the writer idle, so only
        // the writer copying what it added during a pass lets the WAL start over. The WAL file keeps
        // its largest size, which a busy machine makes larger (the checkpointer falls behind for a
        // while), so a slow machine gets more rounds (bounded), until several checkpoints have run
        // and the file is small beside what was written; a WAL that never starts over stays larger
        // than everything written, however long this goes on.
        var rounds = 0;
        long Written() => WrittenBytes * rounds / Rounds;
        long Wal() => new FileInfo(database.FilePath + "-wal").Length;
        while (rounds < Rounds || ((database.Checkpoints < 6 || Wal() >= Written() / 4) && rounds < 20 * Rounds)) await WriteRound(database, rounds++);

        Assert.True(database.Checkpoints >= 6, $"{database.Checkpoints} checkpoints ran during {rounds} rounds.");
        Assert.True(Wal() < Written() / 4, $"The WAL is {Wal():N0} bytes after {Written():N0} bytes written with checkpoints ({rounds} rounds).");
        Assert.Equal(rounds * WritesPerRound, await Count(database));
    }

    [Fact]
    public async Task The_writer_itself_never_checkpoints()
    {
        // A threshold no run reaches: the writer's connection would otherwise have checkpointed
        // every 1,000 pages (SQLite's default), keeping the WAL near 4 MB.
        using var database = await Open("unchecked.db", pagesBetweenCheckpoints: int.MaxValue);

        for (var round = 0; round < Rounds; round++) await WriteRound(database, round);

        var wal = new FileInfo(database.FilePath + "-wal").Length;
        Assert.True(wal >= WrittenBytes, $"The WAL is {wal:N0} bytes after {WrittenBytes:N0} bytes written without checkpoints.");
        Assert.Equal(0, database.Checkpoints);
        Assert.Equal(Rounds * WritesPerRound, await Count(database));
    }

    [Fact]
    public async Task What_was_checkpointed_is_there_after_reopening()
    {
        var file = "reopened.db";
        using (var database = await Open(file, pagesBetweenCheckpoints: 16))
        {
            for (var round = 0; round < 3; round++) await WriteRound(database, round);
            await Eventually.True(() => database.Checkpoints > 0, TimeSpan.FromSeconds(30), "a checkpoint");
        }

        using var reopened = await Open(file, pagesBetweenCheckpoints: 16);
        Assert.Equal(3 * WritesPerRound, await Count(reopened));
    }

    [Fact]
    public async Task Each_checkpoint_is_measured_with_who_ran_it()
    {
        var by = new ConcurrentBag<string>();
        using var measurements = new OwnMeasurements<double>("seqline.sqlite.checkpoint.duration", (_, seconds, tags, _) =>
        {
            foreach (var tag in tags) by.Add(tag.Key == "seqline.checkpoint.by" ? (string)tag.Value! : $"{tag.Key}={tag.Value}");
        });
        using var database = await Open("measured.db", pagesBetweenCheckpoints: 16, new SqliteMetrics(measurements.Meters));

        // The writer copies its remainder at the first commit after a pass: keep committing until it has.
        for (var round = 0; !(by.Contains("checkpointer") && by.Contains("writer")) && round < 20 * Rounds; round++)
            await WriteRound(database, round);

        Assert.Contains("checkpointer", by);
        Assert.Contains("writer", by);
        Assert.All(by, name => Assert.True(name is "checkpointer" or "writer", $"unexpected tag {name}"));
    }

    private async Task<SqliteDatabase> Open(string file, int pagesBetweenCheckpoints, SqliteMetrics? metrics = null)
    {
        var database = new SqliteDatabase(
            new SqliteOptions { DataDirectory = _directory.Path, FileName = file, WalAutoCheckpointPages = pagesBetweenCheckpoints },
            NullLogger<SqliteDatabase>.Instance, metrics);
        await database.EnsureSchemaAsync("CREATE TABLE IF NOT EXISTS blobs (id INTEGER NOT NULL PRIMARY KEY, payload BLOB NOT NULL);");
        return database;
    }

    // A round's writes are queued together, so they share a few group commits.
    private static Task WriteRound(SqliteDatabase database, int round) =>
        Task.WhenAll(Enumerable.Range(round * WritesPerRound, WritesPerRound).Select(id => database.WriteAsync(commands =>
        {
            var insert = commands.Statement("INSERT INTO blobs (id, payload) VALUES ($id, zeroblob($size))");
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$size", PayloadBytes);
            return insert.ExecuteNonQuery();
        })));

    private static async Task<long> Count(SqliteDatabase database)
    {
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM blobs";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose() => _directory.Dispose();
}
