namespace Seqline.Diagnostics;

/// <summary>
/// Answers whether the silo that takes the call can read its timeline store: what an edge node's
/// readiness asks the cluster. A stateless worker, so the call is served where it lands (for an
/// Orleans client, its gateway silo) without a directory lookup.
/// </summary>
[Alias("Seqline.Diagnostics.IStoreProbeGrain")]
public interface IStoreProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Reads one timeline head; throws what the store throws.</summary>
    [Alias("Probe")]
    Task Probe();
}
