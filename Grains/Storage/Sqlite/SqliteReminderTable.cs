using Orleans.Runtime;

namespace Seqline.Storage.Sqlite;

/// <summary>
/// Orleans reminders in the node's SQLite database, so that a conversation with fan-out still to
/// do is woken up again after the node restarts.
/// </summary>
public sealed class SqliteReminderTable(SqliteDatabase database) : IReminderTable, IStoreSchema
{
    private const string Columns = "grain_id, name, start_at, period, version";

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => database.EnsureSchemaAsync("""
        CREATE TABLE IF NOT EXISTS reminders (
            grain_id TEXT NOT NULL, name TEXT NOT NULL, grain_hash INTEGER NOT NULL,
            start_at INTEGER NOT NULL, period INTEGER NOT NULL, version TEXT NOT NULL,
            PRIMARY KEY (grain_id, name)) WITHOUT ROWID;
        """, cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Query($"SELECT {Columns} FROM reminders WHERE grain_id = $g", ("$g", grainId.ToString()));

    // The range is (begin, end] on the hash ring, and wraps around when begin >= end.
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => begin < end
        ? Query($"SELECT {Columns} FROM reminders WHERE grain_hash > $b AND grain_hash <= $e", ("$b", (long)begin), ("$e", (long)end))
        : Query($"SELECT {Columns} FROM reminders WHERE grain_hash > $b OR grain_hash <= $e", ("$b", (long)begin), ("$e", (long)end));

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        var rows = await Query($"SELECT {Columns} FROM reminders WHERE grain_id = $g AND name = $n",
            ("$g", grainId.ToString()), ("$n", reminderName));
        return rows.Reminders.FirstOrDefault();
    }

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        var version = Guid.NewGuid().ToString("N");
        return await database.WriteAsync(commands =>
        {
            var command = commands.Statement("""
                INSERT INTO reminders (grain_id, name, grain_hash, start_at, period, version) VALUES ($g, $n, $h, $s, $p, $v)
                ON CONFLICT (grain_id, name) DO UPDATE SET start_at = excluded.start_at, period = excluded.period, version = excluded.version
                """);
            command.Parameters.AddWithValue("$g", entry.GrainId.ToString());
            command.Parameters.AddWithValue("$n", entry.ReminderName);
            command.Parameters.AddWithValue("$h", (long)entry.GrainId.GetUniformHashCode());
            command.Parameters.AddWithValue("$s", entry.StartAt.ToUniversalTime().Ticks);
            command.Parameters.AddWithValue("$p", entry.Period.Ticks);
            command.Parameters.AddWithValue("$v", version);
            command.ExecuteNonQuery();
            return version;
        });
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => database.WriteAsync(commands =>
    {
        var command = commands.Statement("DELETE FROM reminders WHERE grain_id = $g AND name = $n AND version = $v");
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$n", reminderName);
        command.Parameters.AddWithValue("$v", eTag);
        return command.ExecuteNonQuery() > 0;
    });

    public Task TestOnlyClearTable() => database.WriteAsync(commands =>
    {
        var command = commands.Statement("DELETE FROM reminders");
        return command.ExecuteNonQuery();
    });

    private async Task<ReminderTableData> Query(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var entries = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }
        return new ReminderTableData(entries);
    }
}
