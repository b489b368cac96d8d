using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Seqline.Diagnostics;

namespace Seqline.Api.Operations;

/// <summary>
/// Ready when the cluster answers a grain call that reads the timeline store: on a node, its own
/// silo; on an edge node, the gateway silo it reaches. Not ready once the process is stopping, so
/// that traffic drains away before the silo or the client goes.
/// </summary>
internal sealed class StoreReadinessCheck(IGrainFactory grains, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return HealthCheckResult.Unhealthy("The node is stopping.");
        try
        {
            await grains.GetGrain<IStoreProbeGrain>(0).Probe().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("The store answered a read.");
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster or its store did not answer a read.", error);
        }
    }
}
