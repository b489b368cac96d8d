using System.Diagnostics;
using Azure.Data.Tables;
using Seqline.Bench.Infrastructure;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// Reads what a cluster wrote to its Azure tables (<c>TablePrefix</c>…): the rows each phase
/// changed, found by the timestamp the table service sets on every insert and update, the largest
/// entities, and the index rows of a conversation. The membership table is left out: the silos
/// write their liveness there on a timer, whatever the members of a group do.
/// </summary>
internal sealed class AzureTableMeter(TableServiceClient service, string tablePrefix) : IGroupStore
{
    private static readonly string[] KeysOnly = ["PartitionKey"];

    private string Table(string name) => tablePrefix + name;

    public string Counting =>
        "Store writes are counted as the table rows each phase inserted or changed (entities whose timestamp, set by the table service on every write, " +
        "falls in the phase; a row written twice counts once, a row written and deleted not at all), in all of the cluster's tables but its membership table";

    public async Task<long> IndexRowsOf(string conversationId)
    {
        long count = 0;
        var query = service.GetTableClient(Table(RowStoreNames.ConversationIndex))
            .QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {conversationId}"), select: KeysOnly);
        await foreach (var _ in query) count++;
        return count;
    }

    public Task<IWriteWindow> StartCounting() => Task.FromResult<IWriteWindow>(new Window(this, DateTimeOffset.UtcNow));

    public async Task<bool> Quiet(TimeSpan quiet, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            // A whole quiet span without a changed row, looked at once it has passed.
            var from = DateTimeOffset.UtcNow;
            await Task.Delay(quiet);
            if ((await ChangedSince(from)).Values.Sum() == 0) return true;
        }
        return false;
    }

    public async Task<LargestRow?> LargestGrainState()
    {
        var state = await Largest(Table(AzureTablesOptions.StateTable));
        var pubSub = await Largest(Table(AzureTablesOptions.PubSubTable));
        return new[] { state, pubSub }.OfType<LargestRow>().MaxBy(r => r.Bytes);
    }

    public async Task<IReadOnlyList<LargestRow>> LargestRows() =>
        new[] { await Largest(Table(RowStoreNames.Members)), await Largest(Table(RowStoreNames.ConversationIndex)) }.OfType<LargestRow>().ToList();

    /// <summary>Rows inserted or changed since <paramref name="since"/>, per table (the prefix left off).</summary>
    private async Task<Dictionary<string, long>> ChangedSince(DateTimeOffset since)
    {
        var changed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in await Tables())
        {
            long count = 0;
            var query = service.GetTableClient(table).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Timestamp ge {since}"), select: KeysOnly);
            await foreach (var _ in query) count++;
            if (count > 0) changed[table[tablePrefix.Length..]] = count;
        }
        return changed;
    }

    private async Task<List<string>> Tables()
    {
        var membership = Table(AzureTablesOptions.MembershipTable);
        var tables = new List<string>();
        await foreach (var table in service.QueryAsync())
        {
            if (table.Name.StartsWith(tablePrefix, StringComparison.Ordinal) && table.Name != membership) tables.Add(table.Name);
        }
        return tables;
    }

    // An entity's size as the table service caps it (1 MiB): its properties' values, strings at two bytes a character.
    private async Task<LargestRow?> Largest(string table)
    {
        LargestRow? largest = null;
        await foreach (var entity in service.GetTableClient(table).QueryAsync<TableEntity>())
        {
            long bytes = 0;
            foreach (var (name, value) in entity)
            {
                if (name is "odata.etag" or "Timestamp") continue;
                bytes += value switch
                {
                    byte[] binary => binary.Length,
                    BinaryData binary => binary.ToMemory().Length,
                    string text => 2L * text.Length,
                    null => 0,
                    _ => 8,
                };
            }
            if (largest is null || bytes > largest.Bytes) largest = new LargestRow(table[tablePrefix.Length..], $"{entity.PartitionKey} {entity.RowKey}", bytes);
        }
        return largest;
    }

    private sealed class Window(AzureTableMeter meter, DateTimeOffset since) : IWriteWindow
    {
        public async Task<StoreWrites> Count()
        {
            var changed = await meter.ChangedSince(since);
            long Of(params string[] tables) => tables.Sum(t => changed.GetValueOrDefault(t));
            return new StoreWrites(changed.Values.Sum(), Of(AzureTablesOptions.StateTable, AzureTablesOptions.PubSubTable),
                Of(TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes), 0,
                changed.OrderByDescending(t => t.Value).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
        }
    }
}
