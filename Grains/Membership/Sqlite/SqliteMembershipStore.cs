using Microsoft.Data.Sqlite;
using Seqline.Storage.Sqlite;

namespace Seqline.Membership.Sqlite;

/// <summary>
/// Membership in the node's SQLite database, keyed (conversation, user) without a rowid so that a
/// conversation's rows sit together. A change is one write of the group commit: all or nothing.
/// </summary>
public sealed class SqliteMembershipStore : IMembershipStore
{
    private readonly SqliteDatabase _database;

    public SqliteMembershipStore(SqliteDatabase database)
    {
        _database = database;
        database.EnsureSchema("""
            CREATE TABLE IF NOT EXISTS members (
                conversation TEXT NOT NULL, user TEXT NOT NULL, status INTEGER NOT NULL, since INTEGER NOT NULL,
                PRIMARY KEY (conversation, user)) WITHOUT ROWID;
            """);
    }

    public async Task<IReadOnlyList<MemberRow>> ReadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT user, status, since FROM members WHERE conversation = $c";
        command.Parameters.AddWithValue("$c", conversationId);
        var rows = new List<MemberRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(new(reader.GetString(0), (MemberStatus)reader.GetInt32(1), reader.GetInt64(2)));
        return rows;
    }

    public Task ChangeAsync(string conversationId, IReadOnlyCollection<MemberRow> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        if (write.Count == 0 && delete.Count == 0) return Task.CompletedTask;
        return _database.WriteAsync(commands =>
        {
            using (var remove = commands.Create("DELETE FROM members WHERE conversation = $c AND user = $u"))
            {
                remove.Parameters.AddWithValue("$c", conversationId);
                var user = remove.Parameters.Add("$u", SqliteType.Text);
                foreach (var id in delete)
                {
                    user.Value = id;
                    remove.ExecuteNonQuery();
                }
            }
            using (var upsert = commands.Create("INSERT OR REPLACE INTO members (conversation, user, status, since) VALUES ($c, $u, $s, $n)"))
            {
                upsert.Parameters.AddWithValue("$c", conversationId);
                var (user, status, since) = (upsert.Parameters.Add("$u", SqliteType.Text),
                    upsert.Parameters.Add("$s", SqliteType.Integer), upsert.Parameters.Add("$n", SqliteType.Integer));
                foreach (var row in write)
                {
                    (user.Value, status.Value, since.Value) = (row.UserId, (int)row.Status, row.Since);
                    upsert.ExecuteNonQuery();
                }
            }
            return true;
        });
    }
}
