using Microsoft.Extensions.Options;
using Seqline.Api.Auth;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// Tokens for the bench's users, signed with the key the nodes under test are configured with, by the
/// edge's own issuer: the nodes need no development-token endpoint.
/// </summary>
public sealed class Tokens(string signingKey)
{
    /// <summary>The key every node the bench starts is given (Seqline:Auth:SigningKey).</summary>
    public const string BenchSigningKey = "seqline-bench-signing-key-0123456789";

    /// <summary>The token every node the bench starts asks of its metrics' readers (Seqline:Telemetry:ScrapeToken).</summary>
    public const string BenchScrapeToken = "seqline-bench-scrape-token";

    private readonly DevTokenIssuer _issuer = new(Options.Create(new AuthOptions { SigningKey = signingKey, DevTokenLifetime = TimeSpan.FromHours(6) }), TimeProvider.System);

    public static Tokens Bench { get; } = new(BenchSigningKey);

    public string For(string userId) => _issuer.Issue(userId);
}
