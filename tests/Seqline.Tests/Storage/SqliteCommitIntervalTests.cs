using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// <see cref="SqliteOptions.MinCommitInterval"/>: the writer starts a commit no sooner than the
/// interval after the one before, so writes that arrive meanwhile share it.
/// </summary>
public sealed class SqliteCommitIntervalTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Writes_arriving_within_the_interval_after_a_commit_share_the_next_one()
    {
        // Generous, so that a busy machine cannot stretch the test's own queuing past it.
        using var database = Open(TimeSpan.FromSeconds(3));
        await database.EnsureSchemaAsync("CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;");

        var commits = database.Commits;
        using var writer = await HeldSqliteWriter.Hold(database);
        var early = Note(database, "early");
        // The holding write's commit started the interval; once it is durable the writer is free,
        // and without the interval it would commit the early write alone before the others come.
        await writer.Release();
        var late = Enumerable.Range(0, 20).Select(i => Note(database, $"late-{i}")).ToList();
        await Task.WhenAll(late.Append(early));

        Assert.Equal(commits + 2, database.Commits);
        Assert.Equal(21L, await Count(database));
    }

    [Fact]
    public async Task With_no_interval_every_write_still_commits_and_nothing_waits_forever()
    {
        using var database = Open(TimeSpan.Zero);
        await database.EnsureSchemaAsync("CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;");

        for (var i = 0; i < 5; i++) await Note(database, $"n-{i}");

        Assert.Equal(5L, await Count(database));
        Assert.Equal(5, database.Commits);
    }

    private SqliteDatabase Open(TimeSpan interval) =>
        new(new SqliteOptions { DataDirectory = _directory.Path, MinCommitInterval = interval }, NullLogger<SqliteDatabase>.Instance);

    private static Task<int> Note(SqliteDatabase database, string id) => database.WriteAsync(commands =>
    {
        var insert = commands.Statement("INSERT INTO notes (id) VALUES ($id)", ("$id", SqliteType.Text));
        insert.Parameters[0].Value = id;
        return insert.ExecuteNonQuery();
    });

    private static async Task<long> Count(SqliteDatabase database)
    {
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM notes";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose() => _directory.Dispose();
}
