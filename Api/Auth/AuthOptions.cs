using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Seqline.Api.Auth;

/// <summary>
/// Who may call the edge (configuration section <c>Seqline:Auth</c>). Tokens are JWTs whose
/// <c>sub</c> claim is the user id, validated either against an issuer's published keys
/// (<see cref="Authority"/>) or against a shared secret (<see cref="SigningKey"/> or
/// <see cref="SigningKeyBase64"/>), used as the HMAC-SHA256 key the way JWT libraries use one.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Seqline:Auth";

    /// <summary>The development signing key: used only in the Development environment when no key is set, and refused elsewhere.</summary>
    public const string DevelopmentSigningKey = "seqline-development-signing-key-not-a-secret";

    /// <summary>HMAC-SHA256 wants a key of at least 256 bits.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>An OpenID Connect issuer (its metadata gives the signing keys).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must carry; not checked when empty.</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens signed with the shared secret carry when none is configured.</summary>
    public const string DefaultIssuer = "seqline-auth";

    /// <summary>The issuer of tokens signed with the shared secret (and of development tokens).</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>The shared secret as text: its UTF-8 bytes are the HMAC key (at least 32 bytes).</summary>
    public string? SigningKey { get; set; }

    /// <summary>The shared secret as base64: the bytes it stands for are the HMAC key (at least 32 bytes).</summary>
    public string? SigningKeyBase64 { get; set; }

    /// <summary>
    /// Whether <c>POST /api/dev/token</c> hands out tokens to anyone. Unset: on in the Development
    /// environment, off elsewhere.
    /// </summary>
    public bool? DevTokens { get; set; }

    /// <summary>Lifetime of development tokens.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
