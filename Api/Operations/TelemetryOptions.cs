using Microsoft.Extensions.Options;

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

    /// <summary>
    /// The bearer token a scraper must send for <see cref="PrometheusPath"/> (a secret; Prometheus'
    /// <c>authorization.credentials_file</c>). Without it the endpoint is open in Development and
    /// answers 401 everywhere else, unless <see cref="AnonymousScrape"/>: metrics name users' traffic,
    /// the cluster's shape and its errors, which is nobody's business outside the operators.
    /// </summary>
    public string? ScrapeToken { get; set; }

    /// <summary>
    /// Serve metrics without a token to anyone who reaches the endpoint: for a deployment whose
    /// network already keeps everyone but the scraper away from it.
    /// </summary>
    public bool AnonymousScrape { get; set; }

    /// <summary>The shortest <see cref="ScrapeToken"/> taken: a guessable token is no lock.</summary>
    public const int MinimumScrapeTokenLength = 16;
}

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    private const string S = TelemetryOptions.Section;

    public ValidateOptionsResult Validate(string? name, TelemetryOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (!o.PrometheusPath.StartsWith('/')) result.AddError($"{S}:PrometheusPath must start with '/'; it is '{o.PrometheusPath}'.");
        if (o.ScrapeToken is { } token)
        {
            if (token.Length < TelemetryOptions.MinimumScrapeTokenLength || token.Any(char.IsWhiteSpace))
                result.AddError($"{S}:ScrapeToken must be at least {TelemetryOptions.MinimumScrapeTokenLength} characters without spaces.");
            if (o.AnonymousScrape) result.AddError($"{S}:ScrapeToken and {S}:AnonymousScrape contradict each other; set one.");
        }
        return result.Build();
    }
}
