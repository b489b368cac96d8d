using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// The writer's connection keeps the pages it touches in a cache of
/// <see cref="SqliteOptions.WriterCacheMiB"/>: commits that come back to the same pages (an inbox's
/// next append, a grain's next state) find them there instead of reading them back from the WAL or
/// the database file, and what it does read back is counted and measured.
/// </summary>
public sealed class SqliteWriterCacheTests : IDisposable
{
    // About 8 MiB of pages: one row fills most of a 4 KiB page, so each row is a page of its own.
    private const int Rows = 2_000;
    private const int RowBytes = 3_000;
    private const int Rounds = 3;

    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task A_writer_whose_cache_holds_what_it_writes_reads_none_of_it_back()
    {
        using var database = await Open("large-cache.db", cacheMiB: 64);
        await Insert(database);
        var before = database.WriterCacheMisses;

        for (var round = 0; round < Rounds; round++) await Rewrite(database);

        // SQLite's default cache (2 MiB) would read back nearly every page of every round.
        var misses = database.WriterCacheMisses - before;
        Assert.True(misses < Rows / 10, $"{misses:N0} pages read back while rewriting {Rows:N0} rows {Rounds} times.");
    }

    [Fact]
    public async Task A_writer_whose_cache_is_too_small_reads_pages_back_and_the_metric_counts_them()
    {
        long measured = 0;
        using var measurements = new OwnMeasurements<long>("seqline.sqlite.writer.cache_misses", (_, pages, _, _) => Interlocked.Add(ref measured, pages));
        using var database = await Open("small-cache.db", cacheMiB: 1, new SqliteMetrics(measurements.Meters));
        await Insert(database);
        var before = database.WriterCacheMisses;

        for (var round = 0; round < Rounds; round++) await Rewrite(database);

        // A 1 MiB cache holds about a thirtieth of the rows' pages: each round reads most back.
        var misses = database.WriterCacheMisses - before;
        Assert.True(misses >= Rows, $"only {misses:N0} pages read back while rewriting {Rows:N0} rows {Rounds} times through a 1 MiB cache.");
        Assert.Equal(database.WriterCacheMisses, Interlocked.Read(ref measured));
    }

    private async Task<SqliteDatabase> Open(string file, int cacheMiB, SqliteMetrics? metrics = null)
    {
        var database = new SqliteDatabase(
            new SqliteOptions { DataDirectory = _directory.Path, FileName = file, WriterCacheMiB = cacheMiB },
            NullLogger<SqliteDatabase>.Instance, metrics);
        await database.EnsureSchemaAsync("CREATE TABLE IF NOT EXISTS blobs (id INTEGER NOT NULL PRIMARY KEY, payload BLOB NOT NULL);");
        return database;
    }

    private static Task Insert(SqliteDatabase database) => Write(database, "INSERT INTO blobs (id, payload) VALUES ($id, randomblob($size))");

    private static Task Rewrite(SqliteDatabase database) => Write(database, "UPDATE blobs SET payload = randomblob($size) WHERE id = $id");

    // Every row once, queued together so that they share a few group commits.
    private static Task Write(SqliteDatabase database, string sql) =>
        Task.WhenAll(Enumerable.Range(0, Rows).Select(id => database.WriteAsync(commands =>
        {
            var statement = commands.Statement(sql);
            statement.Parameters.AddWithValue("$id", id);
            statement.Parameters.AddWithValue("$size", RowBytes);
            return statement.ExecuteNonQuery();
        })));

    public void Dispose() => _directory.Dispose();
}
