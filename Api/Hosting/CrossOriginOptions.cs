using Microsoft.Extensions.Options;

namespace Seqline.Api.Hosting;

/// <summary>
/// Browser apps served from other origins than the node (configuration section <c>Seqline:Cors</c>).
/// None by default: the node's own web client is same-origin and needs no CORS, and every origin
/// let in here may call the API and the hub with its users' tokens.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Seqline:Cors";

    /// <summary>
    /// Origins (<c>https://chat.example.com</c>: scheme, host and port, no path) whose pages may call
    /// <c>/api</c> and <c>/hubs</c>. SignalR's browser client sends credentials, so a wildcard is not
    /// possible: each origin is named.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How long a browser may cache a preflight's answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class CrossOriginOptionsValidator : IValidateOptions<CrossOriginOptions>
{
    private const string S = CrossOriginOptions.Section;

    public ValidateOptionsResult Validate(string? name, CrossOriginOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        for (var i = 0; i < o.AllowedOrigins.Length; i++)
        {
            if (!IsOrigin(o.AllowedOrigins[i]))
                result.AddError($"{S}:AllowedOrigins:{i} is '{o.AllowedOrigins[i]}', not an origin: http or https, a host and an optional port, no path, no wildcard.");
        }
        if (o.PreflightMaxAge < TimeSpan.Zero) result.AddError($"{S}:PreflightMaxAge must not be negative; it is {o.PreflightMaxAge}.");
        return result.Build();
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
