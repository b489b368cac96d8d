using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Seqline.Diagnostics;

namespace Seqline.Api.Operations;

public static class TelemetryExtensions
{
    /// <summary>The variable whose presence turns OTLP export on (the exporter reads it and the other <c>OTEL_*</c> ones itself).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string OrleansMeter = "Microsoft.Orleans";
    private const string RuntimeMeter = "System.Runtime";
    private const string SignalRActivitySource = "Microsoft.AspNetCore.SignalR.Server";

    /// <summary>
    /// OpenTelemetry for the process: Seqline's, Orleans', ASP.NET Core's, HttpClient's and the runtime's metrics
    /// (served to Prometheus, and exported over OTLP when configured); traces and logs over OTLP
    /// when configured, since nothing else would read them.
    /// </summary>
    public static WebApplicationBuilder AddSeqlineTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        // Whether to add the Prometheus exporter, and its path, are set while the host is built.
        var options = configuration.ReadValidated(TelemetryOptions.Section, new TelemetryOptionsValidator());
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);

        // Seqline's instruments come from this host's IMeterFactory; Local scope takes only those, so
        // that two hosts in one process (tests, an application embedding two nodes) count apart.
        builder.Metrics.EnableMetrics(SeqlineDiagnostics.MeterName, scopes: MeterScope.Local);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "seqline"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrleansMeter, RuntimeMeter).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.Prometheus) metrics.AddPrometheusExporter(o => o.ScrapeEndpointPath = options.PrometheusPath);
            });
        if (otlp)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(SeqlineDiagnostics.ActivitySourceName, Orleans.Diagnostics.ActivitySources.AllActivitySourceName, SignalRActivitySource)
                    // Probes and scrapes every few seconds would bury the traces worth reading.
                    .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthExtensions.Root) && !context.Request.Path.StartsWithSegments(options.PrometheusPath))
                    .AddHttpClientInstrumentation())
                .WithLogging()
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The Prometheus scraping endpoint, unless turned off, behind <see cref="ScrapeAccess"/>.</summary>
    public static WebApplication MapSeqlineTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (!options.Prometheus) return app;
        var guard = ScrapeAccess.Guard(options, app.Environment, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ScrapeAccess)));
        app.MapPrometheusScrapingEndpoint(options.PrometheusPath, meterProvider: null, configureBranchedPipeline: guard, optionsName: null).DisableHttpMetrics();
        return app;
    }
}
