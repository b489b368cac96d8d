using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Seqline.Tests.Fixtures;

/// <summary>JWTs made outside the server, as an identity provider sharing the signing key would make them.</summary>
public static class TestTokens
{
    /// <param name="claims">Claims beyond <c>sub</c>, such as roles.</param>
    public static string Sign(string userId, string key, DateTime expires, string issuer = "seqline", string? audience = null, IEnumerable<Claim>? claims = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId), .. claims ?? []]),
            NotBefore = expires.AddHours(-2),
            IssuedAt = expires.AddHours(-2),
            Expires = expires,
            // The server hashes its configured key into a 256-bit HMAC key; so must the issuer.
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes(key))), SecurityAlgorithms.HmacSha256),
        });
}
