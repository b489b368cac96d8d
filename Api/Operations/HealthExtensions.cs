using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Diagnostics;

namespace Seqline.Api.Operations;

public static class HealthExtensions
{
    /// <summary>Where the health endpoints live: kept out of HTTP metrics, traces and the web client.</summary>
    public const string Root = "/health";
    public const string LivePath = Root + "/live";
    public const string ReadyPath = Root + "/ready";

    /// <summary>A store that takes longer than this to answer a read counts as not answering.</summary>
    public static readonly TimeSpan StoreProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The readiness check of the cluster and its store; a silo adds its own (<c>AddSeqlineDiagnostics</c>).</summary>
    public static WebApplicationBuilder AddSeqlineHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<StoreReadinessCheck>("store", tags: [SeqlineDiagnostics.ReadinessTag], timeout: StoreProbeTimeout);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c> runs no check: the process answering is the answer. <c>/health/ready</c>
    /// runs the readiness checks and answers 503 when any fails.
    /// </summary>
    public static WebApplication MapSeqlineHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).DisableHttpMetrics();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(SeqlineDiagnostics.ReadinessTag) })
            .DisableHttpMetrics();
        return app;
    }
}
