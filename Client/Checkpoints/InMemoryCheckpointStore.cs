namespace Seqline.Client;

/// <summary>Keeps the cursor in memory only: every new process starts with a full reset.</summary>
/// <remarks>The default, fit for tests, bots and load tools that hold no local state worth resuming.</remarks>
public sealed class InMemoryCheckpointStore : ICheckpointStore
{
    private volatile string? _cursor;

    /// <summary>Creates a store, optionally already holding a cursor.</summary>
    public InMemoryCheckpointStore(string? cursor = null) => _cursor = cursor;

    /// <inheritdoc />
    public ValueTask<string?> LoadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_cursor);

    /// <inheritdoc />
    public ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        _cursor = cursor;
        return ValueTask.CompletedTask;
    }
}
