using Microsoft.Data.Sqlite;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// Grain-state writes so far, from a node's SQLite file: each write of a grain's state row bumps
/// its version (an insert starts at 1), so the sum of versions counts the writes ever made, in all
/// and per grain type (the part of the grain id before the '/').
/// </summary>
public sealed record GrainStateWrites(long Rows, long Writes, IReadOnlyDictionary<string, long> WritesByType)
{
    /// <summary>The writes made between <paramref name="before"/> and this, per grain type, those with any.</summary>
    public IReadOnlyDictionary<string, long> ByTypeSince(GrainStateWrites before) =>
        WritesByType.Select(t => (t.Key, Writes: t.Value - before.WritesByType.GetValueOrDefault(t.Key)))
            .Where(t => t.Writes != 0)
            .OrderByDescending(t => t.Writes)
            .ToDictionary(t => t.Key, t => t.Writes, StringComparer.Ordinal);
}

/// <summary>The largest row of a table: whose, and how many bytes its data takes.</summary>
public sealed record LargestRow(string Table, string Owner, long Bytes);

/// <summary>
/// Reads a running node's SQLite file beside it, read-only (WAL readers do not block its writer):
/// grain-state writes, the largest rows, and how many inboxes have a conversation in their index.
/// </summary>
public sealed class SqliteStateRows(string path)
{
    public GrainStateWrites GrainStateWrites()
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        long rows = 0;
        Query("""
            SELECT CASE WHEN instr(grain_id, '/') > 0 THEN substr(grain_id, 1, instr(grain_id, '/') - 1) ELSE grain_id END, COUNT(*), SUM(version)
            FROM grain_state GROUP BY 1
            """, reader =>
        {
            byType[reader.GetString(0)] = reader.GetInt64(2);
            rows += reader.GetInt64(1);
        });
        return new GrainStateWrites(rows, byType.Values.Sum(), byType);
    }

    /// <summary>The largest grain-state row (its data, as stored).</summary>
    public LargestRow? LargestGrainState() =>
        Largest("grain_state", "SELECT state_name || ' ' || grain_id, length(data) FROM grain_state ORDER BY length(data) DESC LIMIT 1");

    /// <summary>The largest row of a row store (<c>members</c>, <c>index</c>): its owner and key, and the value's bytes.</summary>
    public LargestRow? LargestRowOf(string store) =>
        Largest($"{store}_rows", $"SELECT owner || ' ' || key, length(value) FROM {Sqlite(store)}_rows ORDER BY length(value) DESC LIMIT 1");

    /// <summary>Reminders registered (conversations with fan-out work left register one, and remove it once idle).</summary>
    public long Reminders()
    {
        long count = 0;
        Query("SELECT COUNT(*) FROM reminders", reader => count = reader.GetInt64(0));
        return count;
    }

    /// <summary>How many inboxes have written <paramref name="conversationId"/> into their index (their checkpoint of the join).</summary>
    public long IndexRowsOf(string conversationId)
    {
        long count = 0;
        Query("SELECT COUNT(*) FROM index_rows WHERE key = $k", reader => count = reader.GetInt64(0), ("$k", conversationId));
        return count;
    }

    private LargestRow? Largest(string table, string sql)
    {
        LargestRow? largest = null;
        Query(sql, reader => largest = new LargestRow(table, reader.GetString(0), reader.GetInt64(1)));
        return largest;
    }

    private void Query(string sql, Action<SqliteDataReader> row, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        while (reader.Read()) row(reader);
    }

    // Row-store names are lower-case letters (the node refuses others), so they are safe to splice.
    private static string Sqlite(string store) =>
        store.Length > 0 && store.All(char.IsAsciiLetterLower) ? store : throw new ArgumentException("Row-store names are lower-case letters.", nameof(store));
}
