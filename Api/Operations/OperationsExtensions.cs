using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Seqline.Api.Operations;

/// <summary>What an operator runs the edge with: logs, telemetry, health endpoints and the dashboard.</summary>
public static class OperationsExtensions
{
    public static WebApplicationBuilder AddSeqlineOperations(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<EdgeMetrics>();
        return builder.AddSeqlineLogging().AddSeqlineTelemetry().AddSeqlineHealth().AddSeqlineDashboard();
    }

    public static WebApplication MapSeqlineOperations(this WebApplication app) =>
        app.MapSeqlineHealth().MapSeqlineTelemetry().MapSeqlineDashboard();
}
