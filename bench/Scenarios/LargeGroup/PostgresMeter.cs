using System.Diagnostics;
using Npgsql;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// Reads what a cluster wrote to its PostgreSQL database: rows inserted, updated and deleted per
/// table from the server's own statistics (<c>pg_stat_user_tables</c>), the largest rows, and the
/// index rows of a conversation. The membership tables are left out: the silos write their
/// liveness there on a timer, whatever the members of a group do.
/// </summary>
public sealed class PostgresMeter(NpgsqlDataSource database) : IGroupStore
{
    // A backend reports its counts as its transaction ends, at most once a second, and what it
    // held back within 10 s once idle: quiet for less than that may only be counts not yet reported.
    private static readonly TimeSpan Reported = TimeSpan.FromSeconds(11);

    public string Counting =>
        "Store writes are counted as the rows each phase inserted, updated or deleted in the cluster's database (`pg_stat_user_tables`), in every table but " +
        "the membership tables; grain state is Orleans' `orleansstorage` table";

    public async Task<long> IndexRowsOf(string conversationId) =>
        await Scalar("SELECT count(*) FROM index_rows WHERE key = $1", conversationId);

    public async Task<IWriteWindow> StartCounting() => new Window(this, await Changes());

    public async Task<bool> Quiet(TimeSpan quiet, TimeSpan within)
    {
        if (quiet < Reported) quiet = Reported;
        var clock = Stopwatch.StartNew();
        var last = (await Changes()).Values.Sum();
        var since = clock.Elapsed;
        while (clock.Elapsed < within)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var now = (await Changes()).Values.Sum();
            if (now != last) (last, since) = (now, clock.Elapsed);
            else if (clock.Elapsed - since >= quiet) return true;
        }
        return false;
    }

    public async Task<LargestRow?> LargestGrainState() =>
        await Largest("orleansstorage", "SELECT graintypestring || ' ' || coalesce(grainidextensionstring, ''), octet_length(payloadbinary) FROM orleansstorage ORDER BY 2 DESC NULLS LAST LIMIT 1");

    public async Task<IReadOnlyList<LargestRow>> LargestRows() =>
        new[]
        {
            await Largest("members_rows", "SELECT owner || ' ' || key, octet_length(value) FROM members_rows ORDER BY 2 DESC LIMIT 1"),
            await Largest("index_rows", "SELECT owner || ' ' || key, octet_length(value) FROM index_rows ORDER BY 2 DESC LIMIT 1"),
        }.OfType<LargestRow>().ToList();

    // Rows inserted, updated and deleted so far, per table.
    private async Task<Dictionary<string, long>> Changes()
    {
        var changes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = database.CreateCommand(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relname NOT LIKE 'orleansmembership%'");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) changes[reader.GetString(0)] = reader.GetInt64(1);
        return changes;
    }

    private async Task<long> Scalar(string sql, string parameter)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<LargestRow?> Largest(string table, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() && !reader.IsDBNull(1) ? new LargestRow(table, reader.GetString(0), reader.GetInt64(1)) : null;
    }

    private sealed class Window(PostgresMeter meter, Dictionary<string, long> before) : IWriteWindow
    {
        public async Task<StoreWrites> Count()
        {
            var since = (await meter.Changes())
                .Select(t => (t.Key, Rows: t.Value - before.GetValueOrDefault(t.Key)))
                .Where(t => t.Rows != 0)
                .ToDictionary(t => t.Key, t => t.Rows, StringComparer.Ordinal);
            long Of(params string[] tables) => tables.Sum(t => since.GetValueOrDefault(t));
            return new StoreWrites(since.Values.Sum(), Of("orleansstorage"),
                Of("conversations_entries", "inboxes_entries"), Of("orleansreminderstable"),
                since.OrderByDescending(t => t.Value).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
        }
    }
}
