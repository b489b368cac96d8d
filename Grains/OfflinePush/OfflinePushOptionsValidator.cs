using System.Text;
using Microsoft.Extensions.Options;

namespace Seqline.OfflinePush;

/// <summary>
/// Start-up checks of <c>Seqline:OfflinePush</c>: with a URL the node needs a secret of its own to
/// sign with (there is no default, in any environment), and sane batching and retry settings.
/// </summary>
internal sealed class OfflinePushOptionsValidator : IValidateOptions<OfflinePushOptions>
{
    private const string S = OfflinePushOptions.Section;

    public ValidateOptionsResult Validate(string? name, OfflinePushOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (string.IsNullOrEmpty(o.Url)) return result.Build();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            result.AddError($"{S}:Url must be an absolute http or https URL; it is '{o.Url}'.");
        if (string.IsNullOrEmpty(o.SigningKey))
            result.AddError($"{S}:SigningKey is not set: with {S}:Url set, the node needs a secret to sign webhook requests with.");
        else if (Encoding.UTF8.GetByteCount(o.SigningKey) < OfflinePushOptions.MinKeyBytes)
            result.AddError($"{S}:SigningKey must be at least {OfflinePushOptions.MinKeyBytes} bytes (HMAC-SHA256 wants 256 bits).");
        if (o.PreviewLength < 1) result.AddError($"{S}:PreviewLength must be at least 1; it is {o.PreviewLength}.");
        if (o.BatchWindow < TimeSpan.Zero) result.AddError($"{S}:BatchWindow must not be negative; it is {o.BatchWindow}.");
        if (o.MaxAttempts < 1) result.AddError($"{S}:MaxAttempts must be at least 1; it is {o.MaxAttempts}.");
        if (o.RetryBaseDelay < TimeSpan.Zero) result.AddError($"{S}:RetryBaseDelay must not be negative; it is {o.RetryBaseDelay}.");
        if (o.Timeout <= TimeSpan.Zero) result.AddError($"{S}:Timeout must be positive; it is {o.Timeout}.");
        if (o.MaxPending < 1) result.AddError($"{S}:MaxPending must be at least 1; it is {o.MaxPending}.");
        return result.Build();
    }
}
