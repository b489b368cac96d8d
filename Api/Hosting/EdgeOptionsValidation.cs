using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seqline.Api.Operations;
using Seqline.Api.Presence;
using Seqline.Diagnostics;
using Seqline.Push;

namespace Seqline.Api.Hosting;

/// <summary>
/// The edge's options checked as it starts, each failure a sentence naming the setting
/// (<c>Seqline:Auth</c> is checked by <see cref="Auth.AuthenticationExtensions"/>).
/// </summary>
internal static class EdgeOptionsValidation
{
    /// <summary>Every options type the edge reads, bound once to its section; those with rules are checked at start.</summary>
    public static IServiceCollection AddEdgeOptionsValidation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SeqlineLimits, SeqlineLimitsValidator>(configuration, SeqlineLimits.Section);
        services.AddValidatedOptions<PushOptions, PushOptionsValidator>(configuration, PushOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration, RateLimitOptions.Section);
        services.AddValidatedOptions<PresenceOptions, PresenceOptionsValidator>(configuration, PresenceOptions.Section);
        services.AddBoundOptions<WebClientOptions>(configuration, WebClientOptions.Section);
        services.AddValidatedOptions<CrossOriginOptions, CrossOriginOptionsValidator>(configuration, CrossOriginOptions.Section);
        services.AddBoundOptions<ApiDescriptionOptions>(configuration, ApiDescriptionOptions.Section);
        services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration, TelemetryOptions.Section);
        services.AddBoundOptions<SeqlineLoggingOptions>(configuration, SeqlineLoggingOptions.Section);
        services.AddBoundOptions<OperatorDashboardOptions>(configuration, OperatorDashboardOptions.Section);
        return services;
    }
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    private const string S = RateLimitOptions.Section;

    public ValidateOptionsResult Validate(string? name, RateLimitOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.SendsPerSecond < 1) result.AddError($"{S}:SendsPerSecond must be at least 1; it is {o.SendsPerSecond}.");
        if (o.SendBurst < 1) result.AddError($"{S}:SendBurst must be at least 1; it is {o.SendBurst}.");
        return result.Build();
    }
}
