namespace Seqline.Api.Operations;

/// <summary>
/// What the node exports (configuration section <c>Seqline:Telemetry</c>). OTLP export is set with
/// the standard <c>OTEL_*</c> environment variables; it is on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Seqline:Telemetry";

    /// <summary>Whether the edge serves metrics in the Prometheus text format at <see cref="PrometheusPath"/>.</summary>
    public bool Prometheus { get; set; } = true;

    public string PrometheusPath { get; set; } = "/metrics";
}
