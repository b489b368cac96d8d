using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Seqline.Api.Operations;

/// <summary>What an operator runs the edge with: telemetry.</summary>
public static class OperationsExtensions
{
    public static WebApplicationBuilder AddSeqlineOperations(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<EdgeMetrics>();
        return builder.AddSeqlineTelemetry();
    }

    public static WebApplication MapSeqlineOperations(this WebApplication app) => app.MapSeqlineTelemetry();
}
