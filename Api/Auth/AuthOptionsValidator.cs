using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Seqline.Api.Auth;

/// <summary>
/// Start-up checks of <c>Seqline:Auth</c>: outside Development the node needs a way to validate
/// tokens of its own (a secret or an issuer), never the published development key.
/// </summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    private const string S = AuthOptions.Section;

    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (!string.IsNullOrEmpty(o.SigningKey) && !string.IsNullOrEmpty(o.SigningKeyBase64))
            result.AddError($"{S}:SigningKey and {S}:SigningKeyBase64 are both set; set one.");
        if (!TryKey(o, out var key)) result.AddError($"{S}:SigningKeyBase64 is not base64.");
        else if (key is null && string.IsNullOrEmpty(o.Authority))
            result.AddError($"{S}:SigningKey is not set: outside Development the node needs the secret tokens are signed with " +
                $"(or {S}:SigningKeyBase64, or {S}:Authority for an OpenID Connect issuer).");
        else if (key is not null && key.Length < AuthOptions.MinKeyBytes)
            result.AddError($"{S}:SigningKey must be at least {AuthOptions.MinKeyBytes} bytes (HMAC-SHA256 wants 256 bits); it is {key.Length}.");
        if (!environment.IsDevelopment() && o.SigningKey == AuthOptions.DevelopmentSigningKey)
            result.AddError($"{S}:SigningKey is the development key, which is published: set a secret of your own.");
        if (!string.IsNullOrEmpty(o.Authority) && !Uri.TryCreate(o.Authority, UriKind.Absolute, out _))
            result.AddError($"{S}:Authority must be an absolute URL; it is '{o.Authority}'.");
        if (string.IsNullOrWhiteSpace(o.Issuer)) result.AddError($"{S}:Issuer must not be empty.");
        if (o.DevTokenLifetime <= TimeSpan.Zero) result.AddError($"{S}:DevTokenLifetime must be positive; it is {o.DevTokenLifetime}.");
        return result.Build();
    }

    private static bool TryKey(AuthOptions o, out byte[]? key)
    {
        try
        {
            key = SigningKeys.Bytes(o);
            return true;
        }
        catch (FormatException)
        {
            key = null;
            return false;
        }
    }
}
