using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Seqline.Api.Operations;

/// <summary>
/// Who may read the Prometheus endpoint: a scraper with <see cref="TelemetryOptions.ScrapeToken"/>;
/// anyone when the operator says so (<see cref="TelemetryOptions.AnonymousScrape"/>) or in
/// Development; nobody otherwise, with a warning at start that says which setting opens it.
/// </summary>
internal static class ScrapeAccess
{
    /// <summary>The guard for the endpoint's own pipeline; null when it is open.</summary>
    public static Action<IApplicationBuilder>? Guard(TelemetryOptions options, IHostEnvironment environment, ILogger logger)
    {
        if (options.ScrapeToken is { } token)
        {
            var expected = Encoding.UTF8.GetBytes(token);
            return branch => branch.Use(next => context => Presents(context.Request, expected) ? next(context) : Refuse(context));
        }
        if (options.AnonymousScrape || environment.IsDevelopment()) return null;
        logger.LogWarning("Metrics at {Path} answer 401 to everyone: set {Section}:ScrapeToken for the scraper, or {Section}:AnonymousScrape if only it can reach the node",
            options.PrometheusPath, TelemetryOptions.Section, TelemetryOptions.Section);
        return branch => branch.Use(_ => Refuse);
    }

    private static bool Presents(HttpRequest request, byte[] expected)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length).Trim().ToString());
        // Constant time: the comparison tells an attacker nothing about how much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    private static async Task Refuse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Detail = "Metrics need the scrape token as a bearer token." },
        });
    }
}
