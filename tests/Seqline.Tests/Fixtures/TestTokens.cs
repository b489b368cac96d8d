using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Seqline.Api.Auth;

namespace Seqline.Tests.Fixtures;

/// <summary>JWTs made outside the server, as an identity provider sharing the signing key would make them.</summary>
public static class TestTokens
{
    /// <param name="claims">Claims beyond <c>sub</c>, such as roles.</param>
    public static string Sign(string userId, string key, DateTime expires, string issuer = AuthOptions.DefaultIssuer, string? audience = null, IEnumerable<Claim>? claims = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId), .. claims ?? []]),
            NotBefore = expires.AddHours(-2),
            IssuedAt = expires.AddHours(-2),
            Expires = expires,
            // The shared secret's bytes are the HMAC key, as for any JWT library.
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
}
