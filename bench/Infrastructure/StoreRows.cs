using Microsoft.Data.Sqlite;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// Counts the timeline rows a SQLite node has stored (conversation and inbox timelines), read-only beside the
/// running node (WAL readers do not block its writer).
/// </summary>
public sealed class StoreRows(string dataDirectory, string fileName = "seqline.db")
{
    public (long Conversations, long Inboxes) Count()
    {
        var path = Path.Combine(dataDirectory, fileName);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM conversations_entries), (SELECT COUNT(*) FROM inboxes_entries)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public long Total()
    {
        var (conversations, inboxes) = Count();
        return conversations + inboxes;
    }
}
