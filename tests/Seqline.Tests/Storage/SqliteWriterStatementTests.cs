using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// The single writer compiles each SQL text once and reuses the command for every later write:
/// a write gets the same command, with no parameters left from the one before, and a write that
/// failed leaves the command usable for the next.
/// </summary>
public sealed class SqliteWriterStatementTests : IAsyncLifetime, IDisposable
{
    private const string Insert = "INSERT INTO notes (id) VALUES ($id)";

    private readonly TempDirectory _directory = new();
    private readonly SqliteDatabase _database;

    public SqliteWriterStatementTests()
    {
        _database = new SqliteDatabase(new SqliteOptions { DataDirectory = _directory.Path }, NullLogger<SqliteDatabase>.Instance);
    }

    public Task InitializeAsync() => _database.EnsureSchemaAsync("CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Writes_of_one_text_share_one_command_without_the_parameters_of_the_last()
    {
        var (first, parametersBefore) = await Note("a");
        var (second, parametersLeft) = await Note("b");

        Assert.Same(first, second);
        Assert.Equal(0, parametersBefore);
        Assert.Equal(0, parametersLeft);
        Assert.Equal(["a", "b"], await StoredNotes());
    }

    [Fact]
    public async Task A_write_that_failed_leaves_its_command_ready_for_the_next()
    {
        await Note("a");
        var duplicate = await Assert.ThrowsAsync<SqliteException>(() => Note("a"));
        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT: the write failed alone

        await Note("b");
        Assert.Equal(["a", "b"], await StoredNotes());
    }

    private Task<(SqliteCommand Command, int ParametersOnArrival)> Note(string id) => _database.WriteAsync(commands =>
    {
        var insert = commands.Statement(Insert);
        var arrived = insert.Parameters.Count;
        insert.Parameters.AddWithValue("$id", id);
        insert.ExecuteNonQuery();
        return (insert, arrived);
    });

    private Task<List<string>> StoredNotes() => SqliteNotes.Stored(_database);

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
