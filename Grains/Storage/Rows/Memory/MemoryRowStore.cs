namespace Seqline.Storage.Rows.Memory;

/// <summary>Rows in process memory. For tests only: nothing survives the process.</summary>
public sealed class MemoryRowStore : IRowStore
{
    private readonly Dictionary<string, Dictionary<string, Row>> _owners = new(StringComparer.Ordinal);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask; // no tables

    public Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default)
    {
        lock (_owners)
        {
            return Task.FromResult<IReadOnlyList<Row>>(_owners.TryGetValue(owner, out var rows) ? rows.Values.ToList() : []);
        }
    }

    public Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default)
    {
        lock (_owners)
        {
            return Task.FromResult(_owners.TryGetValue(owner, out var rows) && rows.TryGetValue(key, out var row) ? row : null);
        }
    }

    public Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        RowStoreChecks.RequireValid(write);
        lock (_owners)
        {
            if (!_owners.TryGetValue(owner, out var rows)) _owners[owner] = rows = new(StringComparer.Ordinal);
            foreach (var key in delete) rows.Remove(key);
            foreach (var row in write) rows[row.Key] = row with { Value = row.Value.ToArray() };
        }
        return Task.CompletedTask;
    }
}
