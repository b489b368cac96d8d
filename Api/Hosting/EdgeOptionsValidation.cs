using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seqline.Push;

namespace Seqline.Api.Hosting;

/// <summary>
/// The edge's options checked as it starts, each failure a sentence naming the setting
/// (<c>Seqline:Auth</c> is checked by <see cref="Auth.AuthenticationExtensions"/>).
/// </summary>
internal static class EdgeOptionsValidation
{
    public static IServiceCollection AddEdgeOptionsValidation(this IServiceCollection services)
    {
        services.AddValidatedOptions<SeqlineLimits, SeqlineLimitsValidator>();
        services.AddValidatedOptions<PushOptions, PushOptionsValidator>();
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>();
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
