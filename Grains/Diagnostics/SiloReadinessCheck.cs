using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Seqline.Diagnostics;

/// <summary>
/// Healthy only while this silo is an active member of its cluster: not while it is joining,
/// and no longer once it has begun to shut down, so an orchestrator stops sending it traffic first.
/// </summary>
public sealed class SiloReadinessCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active.")
            : HealthCheckResult.Unhealthy($"The silo is {silo.CurrentStatus}."));
}
