using Microsoft.Extensions.Configuration;

namespace Seqline.Diagnostics;

/// <summary>
/// Whether trace context crosses grain calls (<c>Seqline:Telemetry:GrainCallTraces</c>), on silos
/// and edge nodes alike. Carrying it puts a filter on every grain call, which costs each call (and
/// each push to an edge node) an invoker and its allocations, so by default it is on only when traces
/// are exported (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).
/// </summary>
public sealed class GrainCallTraceOptions
{
    public const string Section = "Seqline:Telemetry";

    /// <summary>On or off; unset, on exactly when traces are exported over OTLP.</summary>
    public bool? GrainCallTraces { get; set; }

    /// <summary>Whether the node being set up carries trace context across grain calls.</summary>
    public static bool On(IConfiguration configuration) =>
        configuration.ReadValidated<GrainCallTraceOptions>(Section).GrainCallTraces
        ?? !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
