namespace Seqline.Api.Auth;

/// <summary>
/// Who may call the edge (configuration section <c>Seqline:Auth</c>). Tokens are JWTs whose
/// <c>sub</c> claim is the user id, validated either against an issuer's published keys
/// (<see cref="Authority"/>) or against a shared <see cref="SigningKey"/>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Seqline:Auth";

    /// <summary>The development signing key, used only where development tokens are on and no key is set.</summary>
    public const string DevelopmentSigningKey = "seqline-development-signing-key";

    /// <summary>An OpenID Connect issuer (its metadata gives the signing keys).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must carry; not checked when empty.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer of tokens signed with <see cref="SigningKey"/> (and of development tokens).</summary>
    public string Issuer { get; set; } = "seqline";

    /// <summary>A shared secret for HMAC-SHA256 signed tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Whether <c>POST /api/dev/token</c> hands out tokens to anyone. Unset: on in the Development
    /// environment, off elsewhere.
    /// </summary>
    public bool? DevTokens { get; set; }

    /// <summary>Lifetime of development tokens.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
