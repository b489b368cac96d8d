namespace Seqline.Client;

/// <summary>Where a device keeps its sync cursor between runs.</summary>
/// <remarks>
/// The server keeps no per-device state: the cursor is the device's whole sync position. Store it with the
/// same durability as the data the handlers wrote, or a restart will re-deliver (never skip) events.
/// The client calls one method at a time.
/// </remarks>
public interface ICheckpointStore
{
    /// <summary>Returns the saved cursor, or null when the device has never synced.</summary>
    ValueTask<string?> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the saved cursor.</summary>
    ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default);
}
