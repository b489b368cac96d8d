using Microsoft.Data.Sqlite;
using Npgsql;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// Counts the timeline rows a node has stored (conversation and inbox timelines), beside the running
/// node: read-only in its SQLite file (WAL readers do not block its writer), or in its PostgreSQL database.
/// </summary>
public sealed class StoreRows
{
    private const string CountSql = "SELECT (SELECT COUNT(*) FROM conversations_entries), (SELECT COUNT(*) FROM inboxes_entries)";
    private readonly Func<(long Conversations, long Inboxes)> _count;

    private StoreRows(Func<(long, long)> count) => _count = count;

    public StoreRows(string dataDirectory, string fileName = "seqline.db") : this(() => CountSqlite(Path.Combine(dataDirectory, fileName))) { }

    public static StoreRows Postgres(string connectionString) => new(() => CountPostgres(connectionString));

    public (long Conversations, long Inboxes) Count() => _count();

    public long Total()
    {
        var (conversations, inboxes) = Count();
        return conversations + inboxes;
    }

    private static (long, long) CountSqlite(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = CountSql;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static (long, long) CountPostgres(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(CountSql, connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
