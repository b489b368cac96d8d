using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seqline.OfflinePush;

/// <summary>The body of one webhook request: one user's notices, oldest first.</summary>
internal sealed record WebhookPayload(string UserId, IReadOnlyList<WebhookNotice> Notifications)
{
    public static byte[] Serialize(string userId, IEnumerable<OfflineNotice> notices) => JsonSerializer.SerializeToUtf8Bytes(
        new WebhookPayload(userId, notices.Select(n => new WebhookNotice(n.Id, n.ConversationId, n.Seq, n.Kind, n.SenderId, n.SentAt, n.Preview)).ToList()),
        WebhookJson.Default.WebhookPayload);
}

/// <summary>One notice as the gateway reads it; <see cref="Preview"/> is left out when previews are off.</summary>
internal sealed record WebhookNotice(string Id, string ConversationId, long Seq, string Kind, string? SenderId, DateTimeOffset? SentAt, string? Preview);

/// <summary>
/// How a request proves it came from the node: <c>X-Seqline-Signature: sha256=&lt;hex&gt;</c>, the
/// HMAC-SHA256 under the signing key of <c>{timestamp}.{body}</c>, where the timestamp (Unix
/// seconds) is sent as <c>X-Seqline-Timestamp</c>, so a gateway can refuse old requests replayed.
/// </summary>
internal static class WebhookSignature
{
    public const string SignatureHeader = "X-Seqline-Signature";
    public const string TimestampHeader = "X-Seqline-Timestamp";

    public static string Sign(string key, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), signed));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJson : JsonSerializerContext;
