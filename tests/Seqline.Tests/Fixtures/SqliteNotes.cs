using Seqline.Storage.Sqlite;

namespace Seqline.Tests.Fixtures;

/// <summary>The <c>notes (id)</c> table the SQLite writer tests write into, read back in order.</summary>
public static class SqliteNotes
{
    public static async Task<List<string>> Stored(SqliteDatabase database)
    {
        await using var connection = database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM notes ORDER BY id";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }
}
