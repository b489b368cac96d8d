using Microsoft.Data.Sqlite;
using Seqline.Storage.Sqlite;

namespace Seqline.Storage.Rows.Sqlite;

/// <summary>
/// Rows in one table of the node's SQLite database, keyed (owner, key) without a rowid so that an
/// owner's rows sit together. A change is one write of the group commit: all or nothing.
/// </summary>
public sealed class SqliteRowStore : IRowStore
{
    private readonly SqliteDatabase _database;
    private readonly string _table;
    private readonly string _deleteSql;
    private readonly string _upsertSql;

    /// <summary>The rows named <paramref name="name"/>, in a table <see cref="EnsureCreatedAsync"/> creates.</summary>
    public SqliteRowStore(SqliteDatabase database, string name)
    {
        SqliteDatabase.RequireStoreName(name, "Row store");
        _database = database;
        _table = $"{name}_rows";
        _deleteSql = $"DELETE FROM {_table} WHERE owner = $o AND key = $k";
        _upsertSql = $"INSERT OR REPLACE INTO {_table} (owner, key, value) VALUES ($o, $k, $v)";
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _database.EnsureSchemaAsync($"""
        CREATE TABLE IF NOT EXISTS {_table} (
            owner TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
            PRIMARY KEY (owner, key)) WITHOUT ROWID;
        """, cancellationToken);

    public async Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT key, value FROM {_table} WHERE owner = $o";
        command.Parameters.AddWithValue("$o", owner);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(new(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        return rows;
    }

    public async Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT value FROM {_table} WHERE owner = $o AND key = $k";
        command.Parameters.AddWithValue("$o", owner);
        command.Parameters.AddWithValue("$k", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Row(key, reader.GetFieldValue<byte[]>(0)) : null;
    }

    public Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        RowStoreChecks.RequireValid(write);
        if (write.Count == 0 && delete.Count == 0) return Task.CompletedTask;
        return _database.WriteAsync(commands =>
        {
            if (delete.Count > 0)
            {
                var remove = commands.Statement(_deleteSql);
                remove.Parameters.AddWithValue("$o", owner);
                var key = remove.Parameters.Add("$k", SqliteType.Text);
                foreach (var k in delete)
                {
                    key.Value = k;
                    remove.ExecuteNonQuery();
                }
            }
            if (write.Count > 0)
            {
                var upsert = commands.Statement(_upsertSql);
                upsert.Parameters.AddWithValue("$o", owner);
                var (key, value) = (upsert.Parameters.Add("$k", SqliteType.Text), upsert.Parameters.Add("$v", SqliteType.Blob));
                foreach (var row in write)
                {
                    (key.Value, value.Value) = (row.Key, row.Value);
                    upsert.ExecuteNonQuery();
                }
            }
            return true;
        });
    }
}
