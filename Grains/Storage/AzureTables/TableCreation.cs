using Azure.Data.Tables;

namespace Seqline.Storage.AzureTables;

/// <summary>
/// Creates a table on first use, once for all callers. No single caller's token may cancel the
/// shared attempt; a failed attempt is simply made again by the next call.
/// </summary>
internal sealed class TableCreation(TableClient table)
{
    private Task? _created;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
            _created = created = table.CreateIfNotExistsAsync(CancellationToken.None);
        return created.WaitAsync(cancellationToken);
    }
}
