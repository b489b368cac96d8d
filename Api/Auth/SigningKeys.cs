using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Seqline.Api.Auth;

/// <summary>
/// The shared secret as JWT libraries take it: the bytes of the text, or the bytes a base64 text
/// stands for, used as they are as the HMAC-SHA256 key, so that an issuer holding the same secret
/// signs tokens the edge accepts.
/// </summary>
internal static class SigningKeys
{
    /// <summary>The configured key's bytes; null when none is configured.</summary>
    public static byte[]? Bytes(AuthOptions auth) =>
        !string.IsNullOrEmpty(auth.SigningKeyBase64) ? Convert.FromBase64String(auth.SigningKeyBase64)
        : !string.IsNullOrEmpty(auth.SigningKey) ? Encoding.UTF8.GetBytes(auth.SigningKey)
        : null;

    /// <summary>The key tokens are signed and checked with; validation at start made sure there is one.</summary>
    public static SymmetricSecurityKey From(AuthOptions auth) =>
        new(Bytes(auth) ?? throw new InvalidOperationException($"{AuthOptions.Section}:SigningKey is not set."));
}
