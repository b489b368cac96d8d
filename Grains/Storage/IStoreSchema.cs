namespace Seqline.Storage;

/// <summary>
/// The tables a store keeps its data in. Every store is made the same way: building it does no
/// I/O, and <see cref="EnsureCreatedAsync"/> creates what is missing (or, where the deployment
/// manages its own schema, checks that it is there). A silo calls it once for each of its stores
/// when it starts, before any grain can touch them (<c>StoreSchemasOnStart</c>); a tool or test that
/// builds a store by itself calls it before use.
/// </summary>
public interface IStoreSchema
{
    /// <summary>Creates the store's tables when missing. Idempotent, and safe to run from several silos at once.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);
}
