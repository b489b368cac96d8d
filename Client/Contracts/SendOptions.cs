using System.Text.Json;
using System.Text.Json.Nodes;

namespace Seqline.Client;

/// <summary>What a send may carry besides its body: see <see cref="SeqlineClient.SendAsync(string, string, SendOptions, CancellationToken)"/>.</summary>
/// <param name="ClientMsgId">The idempotency key; generated when null.</param>
/// <param name="Mentions">Members to mention besides those named as <c>@userId</c> in the body.</param>
/// <param name="ReplyTo">The seq of a message of the conversation this one replies to; the server stores a quote of it with the reply.</param>
/// <param name="ContentType">Null or <see cref="ContentTypes.Text"/> for text, <see cref="ContentTypes.Image"/>, <see cref="ContentTypes.File"/>, or an <c>x-</c> type.</param>
/// <param name="Content">The typed content, a JSON object (see <see cref="Image"/> and <see cref="File"/>).</param>
public sealed record SendOptions(
    string? ClientMsgId = null,
    IReadOnlyList<string>? Mentions = null,
    long? ReplyTo = null,
    string? ContentType = null,
    JsonElement? Content = null)
{
    /// <summary>An image stored at <paramref name="url"/>; the body may then be empty, the server derives its fallback.</summary>
    public static SendOptions Image(Uri url, long size, string mediaType, string? name = null, int? width = null, int? height = null) =>
        new(ContentType: ContentTypes.Image, Content: Reference(url, size, mediaType, name, width, height));

    /// <summary>A file stored at <paramref name="url"/>; the body may then be empty, the server derives its fallback.</summary>
    public static SendOptions File(Uri url, long size, string mediaType, string? name = null) =>
        new(ContentType: ContentTypes.File, Content: Reference(url, size, mediaType, name, null, null));

    private static JsonElement Reference(Uri url, long size, string mediaType, string? name, int? width, int? height)
    {
        var content = new JsonObject { ["url"] = url.AbsoluteUri, ["size"] = size, ["mediaType"] = mediaType };
        if (name is not null) content["name"] = name;
        if (width is not null) content["width"] = width;
        if (height is not null) content["height"] = height;
        return JsonSerializer.Deserialize(content.ToJsonString(), Internal.SeqlineJsonContext.Default.JsonElement);
    }
}
