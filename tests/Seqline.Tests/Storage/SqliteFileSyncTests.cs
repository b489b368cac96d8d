using Microsoft.Data.Sqlite;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// The checkpointer syncs the database file through SQLite's own file handle, found by pointer
/// arithmetic over SQLite's VFS structures: a wrong offset would call another of the file's
/// methods (truncate sits just before sync), so the file must come out of it whole.
/// </summary>
public sealed class SqliteFileSyncTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public void Syncing_through_SQLites_handle_leaves_the_database_whole()
    {
        var path = Path.Combine(_directory.Path, "synced.db");
        using (var connection = Open(path))
        {
            Execute(connection, "PRAGMA journal_mode=WAL; CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL);");
            for (var i = 0; i < 200; i++) Execute(connection, $"INSERT INTO rows (body) VALUES ('row {i} {new string('x', 100)}');");
            Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
            var length = new FileInfo(path).Length;

            for (var i = 0; i < 3; i++) SqliteFileSync.SyncDatabaseFile(connection);

            Assert.Equal(length, new FileInfo(path).Length);
            Assert.Equal(200L, Scalar(connection, "SELECT count(*) FROM rows"));
        }

        SqliteConnection.ClearAllPools();
        using var reopened = Open(path);
        Assert.Equal("ok", Scalar(reopened, "PRAGMA integrity_check"));
        Assert.Equal(200L, Scalar(reopened, "SELECT count(*) FROM rows"));
    }

    [Fact]
    public void A_closed_connection_is_refused()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "closed.db")}");
        Assert.Throws<InvalidOperationException>(() => SqliteFileSync.SyncDatabaseFile(connection));
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _directory.Dispose();
}
