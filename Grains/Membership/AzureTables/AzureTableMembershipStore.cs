using Azure;
using Azure.Data.Tables;

namespace Seqline.Membership.AzureTables;

/// <summary>
/// Membership in an Azure Storage table: one partition per conversation, one row per user keyed by
/// the user's id. Changes go in entity group transactions of up to 100 rows.
/// </summary>
public sealed class AzureTableMembershipStore(TableClient table) : IMembershipStore
{
    private const int RowsPerTransaction = 100;
    private Task? _tableCreated;

    public AzureTableMembershipStore(TableServiceClient service, string tableName) : this(service.GetTableClient(tableName)) { }

    public async Task<IReadOnlyList<MemberRow>> ReadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var rows = new List<MemberRow>();
        var query = table.QueryAsync<TableEntity>(e => e.PartitionKey == conversationId, select: ["RowKey", "Status", "Since"],
            cancellationToken: cancellationToken);
        await foreach (var e in query) rows.Add(new(e.RowKey, (MemberStatus)(e.GetInt32("Status") ?? 0), e.GetInt64("Since") ?? 0));
        return rows;
    }

    public async Task ChangeAsync(string conversationId, IReadOnlyCollection<MemberRow> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var written = write.Select(r => r.UserId).ToHashSet(StringComparer.Ordinal);
        foreach (var chunk in delete.Where(u => !written.Contains(u)).Distinct(StringComparer.Ordinal).Chunk(RowsPerTransaction))
        {
            try
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(u => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(conversationId, u), ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException error) when (error.Status == 404)
            {
                // A transaction fails whole when one row is missing; one by one, a missing row is no error.
                foreach (var user in chunk) await DeleteIfPresent(conversationId, user, cancellationToken);
            }
        }
        // The last row written for a user wins, as in the other stores.
        var rows = write.GroupBy(r => r.UserId, StringComparer.Ordinal).Select(g => g.Last());
        foreach (var chunk in rows.Chunk(RowsPerTransaction))
        {
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(conversationId, r.UserId) { ["Status"] = (int)r.Status, ["Since"] = r.Since })), cancellationToken);
        }
    }

    private async Task DeleteIfPresent(string conversationId, string user, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(conversationId, user, ETag.All, cancellationToken);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
        }
    }

    private Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        // Shared by all callers, so no single caller's token may cancel it; a failed attempt is made again.
        var created = _tableCreated;
        if (created is null || created.IsFaulted || created.IsCanceled)
            _tableCreated = created = table.CreateIfNotExistsAsync(CancellationToken.None);
        return created.WaitAsync(cancellationToken);
    }
}
