using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A managed identity endpoint of the App Service kind, on 127.0.0.1: a process given
/// <see cref="Environment"/> gets its Microsoft Entra ID tokens here, through
/// <c>DefaultAzureCredential</c> as in production. The tokens are what Azurite's basic OAuth checks
/// (issuer, audience, lifetime; it checks no signature). Counts the tokens it hands out.
/// </summary>
public sealed class FakeManagedIdentity : IAsyncDisposable
{
    private const string Header = "X-IDENTITY-HEADER";
    private readonly WebApplication _app;
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private int _issued;

    private FakeManagedIdentity(WebApplication app) => _app = app;

    /// <summary>How many tokens the endpoint handed out.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>The variables that point Azure.Identity's managed identity credential here.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["IDENTITY_ENDPOINT"] = new Uri(Address, "msi/token").ToString(),
        ["IDENTITY_HEADER"] = _secret,
    };

    private Uri Address => ServerAddress.Of(_app);

    public static async Task<FakeManagedIdentity> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var identity = new FakeManagedIdentity(app);
        app.MapGet("/msi/token", (HttpRequest request) =>
        {
            if (request.Headers[Header] != identity._secret) return Results.StatusCode(StatusCodes.Status401Unauthorized);
            var resource = request.Query["resource"].ToString();
            var expires = DateTimeOffset.UtcNow.AddHours(1);
            Interlocked.Increment(ref identity._issued);
            return Results.Json(new Dictionary<string, string>
            {
                ["access_token"] = Token(resource, expires),
                ["expires_on"] = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                ["resource"] = resource,
                ["token_type"] = "Bearer",
            });
        });
        await app.StartAsync();
        return identity;
    }

    // Shaped like a token of Entra ID for Azure Storage.
    private static string Token(string resource, DateTimeOffset expires)
    {
        var tenant = Guid.NewGuid().ToString();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"https://sts.windows.net/{tenant}/",
            Audience = resource.TrimEnd('/'),
            Subject = new ClaimsIdentity([new Claim("oid", Guid.NewGuid().ToString()), new Claim("tid", tenant)]),
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
