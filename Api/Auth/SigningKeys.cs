using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Seqline.Api.Auth;

internal static class SigningKeys
{
    // Hashing lets any passphrase serve as a 256-bit HMAC key.
    public static SymmetricSecurityKey From(string secret) => new(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
