using Orleans.Storage;

namespace Seqline.Storage.Sqlite;

/// <summary>
/// Orleans grain state in the node's SQLite database. ETags are row versions: a write that does
/// not carry the version it read is refused with <see cref="InconsistentStateException"/>, the same
/// contract the Azure Table provider keeps.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IStoreSchema
{
    private readonly SqliteDatabase database;
    private readonly IGrainStorageSerializer serializer;

    public SqliteGrainStorage(SqliteDatabase database, IGrainStorageSerializer serializer)
    {
        this.database = database;
        this.serializer = serializer;
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => database.EnsureSchemaAsync("""
        CREATE TABLE IF NOT EXISTS grain_state (
            state_name TEXT NOT NULL, grain_id TEXT NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (state_name, grain_id)) WITHOUT ROWID;
        """, cancellationToken);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, data FROM grain_state WHERE state_name = $n AND grain_id = $g";
        command.Parameters.AddWithValue("$n", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData(reader.GetFieldValue<byte[]>(1)));
            grainState.ETag = reader.GetInt64(0).ToString();
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State).ToArray();
        var expected = grainState.ETag;
        var version = await database.WriteAsync(commands =>
        {
            var command = expected is null
                ? commands.Statement("INSERT INTO grain_state (state_name, grain_id, version, data) VALUES ($n, $g, 1, $d) ON CONFLICT DO NOTHING")
                : commands.Statement("UPDATE grain_state SET version = version + 1, data = $d WHERE state_name = $n AND grain_id = $g AND version = $v");
            command.Parameters.AddWithValue("$n", stateName);
            command.Parameters.AddWithValue("$g", grainId.ToString());
            command.Parameters.AddWithValue("$d", data);
            if (expected is not null) command.Parameters.AddWithValue("$v", long.Parse(expected));
            if (command.ExecuteNonQuery() == 0) throw Inconsistent(stateName, grainId, expected);
            return expected is null ? 1 : long.Parse(expected) + 1;
        });
        grainState.ETag = version.ToString();
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = grainState.ETag;
        if (expected is not null)
        {
            await database.WriteAsync(commands =>
            {
                var command = commands.Statement("DELETE FROM grain_state WHERE state_name = $n AND grain_id = $g AND version = $v");
                command.Parameters.AddWithValue("$n", stateName);
                command.Parameters.AddWithValue("$g", grainId.ToString());
                command.Parameters.AddWithValue("$v", long.Parse(expected));
                if (command.ExecuteNonQuery() == 0) throw Inconsistent(stateName, grainId, expected);
                return true;
            });
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private static InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? expected) =>
        new($"State '{stateName}' of {grainId} changed since version {expected ?? "(none)"} was read.", "unknown", expected ?? "");
}
