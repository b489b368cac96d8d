using Azure;
using Azure.Data.Tables;

namespace Seqline.Storage.Rows.AzureTables;

/// <summary>
/// Rows in an Azure Storage table: one partition per owner, one entity per row keyed by the row's
/// key, its value in a binary property. Changes go in entity group transactions of up to 100 rows.
/// </summary>
public sealed class AzureTableRowStore(TableClient table) : IRowStore
{
    private const int RowsPerTransaction = 100;

    // A transaction's body is capped at 4 MiB and binary travels as base64 (4/3 larger).
    private const int ValueBytesPerTransaction = 2 * 1024 * 1024;
    private const string ValueProperty = "Value";

    public AzureTableRowStore(TableServiceClient service, string tableName) : this(service.GetTableClient(tableName)) { }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        await table.CreateIfNotExistsAsync(cancellationToken);

    public async Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default)
    {
        var rows = new List<Row>();
        var query = table.QueryAsync<TableEntity>(e => e.PartitionKey == owner, select: ["RowKey", ValueProperty], cancellationToken: cancellationToken);
        await foreach (var e in query) rows.Add(new(e.RowKey, e.GetBinary(ValueProperty) ?? []));
        return rows;
    }

    public async Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(owner, key, [ValueProperty], cancellationToken);
        return found.HasValue ? new Row(key, found.Value!.GetBinary(ValueProperty) ?? []) : null;
    }

    public async Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        RowStoreChecks.RequireValid(write);
        var written = write.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var chunk in delete.Where(k => !written.Contains(k)).Distinct(StringComparer.Ordinal).Chunk(RowsPerTransaction))
        {
            try
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(owner, k), ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException error) when (error.Status == 404)
            {
                // A transaction fails whole when one row is missing; one by one, a missing row is no error.
                foreach (var key in chunk) await DeleteIfPresent(owner, key, cancellationToken);
            }
        }
        // The last row written for a key wins, as in the other stores.
        var rows = write.GroupBy(r => r.Key, StringComparer.Ordinal).Select(g => g.Last());
        foreach (var chunk in Transactions(rows))
        {
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(owner, r.Key) { [ValueProperty] = r.Value })), cancellationToken);
        }
    }

    private static IEnumerable<List<Row>> Transactions(IEnumerable<Row> rows)
    {
        var (chunk, bytes) = (new List<Row>(), 0);
        foreach (var row in rows)
        {
            if (chunk.Count == RowsPerTransaction || (chunk.Count > 0 && bytes + row.Value.Length > ValueBytesPerTransaction))
            {
                yield return chunk;
                (chunk, bytes) = (new List<Row>(), 0);
            }
            chunk.Add(row);
            bytes += row.Value.Length;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    private async Task DeleteIfPresent(string owner, string key, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(owner, key, ETag.All, cancellationToken);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
        }
    }
}
