using Npgsql;
using NpgsqlTypes;
using Seqline.Storage.Postgres;

namespace Seqline.Storage.Rows.Postgres;

/// <summary>
/// Rows in one PostgreSQL table keyed (owner, key) (<c>Scripts/Seqline.sql</c>). A change is one
/// transaction: its deletes and its upserts land together or not at all.
/// </summary>
public sealed class PostgresRowStore : IRowStore
{
    private readonly NpgsqlDataSource _database;
    private readonly string _table;
    private readonly bool _createSchema;

    /// <param name="createSchema">Whether <see cref="EnsureCreatedAsync"/> creates missing tables, or only checks for them.</param>
    public PostgresRowStore(NpgsqlDataSource database, string name, bool createSchema = true)
    {
        _database = database;
        _table = $"{PostgresSchema.RequireTableName(name, "Row store")}_rows";
        _createSchema = createSchema;
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        PostgresSchema.EnsureAsync(_database, _createSchema, cancellationToken);

    public async Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var command = _database.CreateCommand($"SELECT key, value FROM {_table} WHERE owner = @o");
        command.Parameters.AddWithValue("o", owner);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(new(reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        return rows;
    }

    public async Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default)
    {
        await using var command = _database.CreateCommand($"SELECT value FROM {_table} WHERE owner = @o AND key = @k");
        command.Parameters.AddWithValue("o", owner);
        command.Parameters.AddWithValue("k", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Row(key, reader.GetFieldValue<byte[]>(0)) : null;
    }

    public async Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        RowStoreChecks.RequireValid(write);
        if (write.Count == 0 && delete.Count == 0) return;
        // One upsert may not touch a row twice, so the last row written for a key wins, as in the other stores.
        var rows = write.GroupBy(r => r.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();

        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"DELETE FROM {_table} WHERE owner = @o AND key = ANY(@keys)")
                {
                    Parameters = { new NpgsqlParameter("o", owner), new NpgsqlParameter<string[]>("keys", delete.ToArray()) },
                },
                new NpgsqlBatchCommand($"""
                    INSERT INTO {_table} (owner, key, value) SELECT @o, r.key, r.value FROM unnest(@keys, @values) AS r(key, value)
                    ON CONFLICT (owner, key) DO UPDATE SET value = excluded.value
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter("o", owner),
                        new NpgsqlParameter<string[]>("keys", rows.Select(r => r.Key).ToArray()),
                        new NpgsqlParameter<byte[][]>("values", rows.Select(r => r.Value).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
