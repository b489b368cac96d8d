using Microsoft.Data.Sqlite;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// Every store's tables are made the same way: by the silo, once, when it starts, before anything
/// can use them. A node that has served nobody yet already has them all.
/// </summary>
public sealed class StoreSchemaTests
{
    [Fact]
    public async Task A_node_creates_every_store_s_tables_when_it_starts_before_any_request()
    {
        using var data = new TempDirectory();
        await using (await SeqlineServer.StartNode(data.Path))
        {
            var tables = await Tables(new SqliteOptions { DataDirectory = data.Path }.DatabasePath);

            Assert.Superset(new HashSet<string>(StringComparer.Ordinal)
            {
                "conversations_entries", "conversations_trims", "inboxes_entries", "inboxes_trims",
                "members_rows", "index_rows", "grain_state", "reminders",
            }, tables);
        }
    }

    private static async Task<HashSet<string>> Tables(string databasePath)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }
}
