using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Seqline.Conversations;

/// <summary>
/// What a message's typed content may be, decided from the send alone (no I/O). A message is text
/// unless it names a content type: <c>image</c> and <c>file</c> are references to something stored
/// elsewhere, a JSON object <c>{ url, size, mediaType, name?, width?, height? }</c> with an absolute
/// http(s) URL, a non-negative size and a media type (<c>image/…</c> for an image); other members of
/// the object are kept as they are. Types of an application's own are accepted as <c>x-</c> and a
/// lowercase name, their content any JSON object, passed through unchecked; every other type is
/// refused, so a client never meets a type nobody defined. The content is at most
/// <c>Seqline:Conversations:MaxContentBytes</c> of UTF-8, stored minified. The body is always the
/// human-readable fallback: required for text and <c>x-</c> types, and for an image or a file
/// derived from the content (<c>[image]</c>, <c>[file: report.pdf]</c>) when the send leaves it empty.
/// </summary>
public static partial class ContentRules
{
    public const string Text = "text";
    public const string Image = "image";
    public const string File = "file";

    /// <summary>Longest <c>name</c> of an image or a file, in characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>
    /// The send as it is stored: text as no content type, the content minified, the fallback body
    /// derived where it may be; or the refusal (<c>invalid</c>, or <c>too_large</c> for the content's size).
    /// A plain text send comes back as it is, without allocating.
    /// </summary>
    public static OutgoingMessage Normalize(OutgoingMessage message, int maxContentBytes)
    {
        if (message.ContentType is null or Text)
        {
            if (message.Content is not null) throw SeqlineException.Invalid("content is only for a contentType other than text.");
            if (string.IsNullOrWhiteSpace(message.Body)) throw SeqlineException.Invalid("body must not be empty.");
            return message.ContentType is null ? message : message with { ContentType = null };
        }
        var type = message.ContentType;
        var custom = CustomType().IsMatch(type);
        if (type is not (Image or File) && !custom)
            throw SeqlineException.Invalid($"contentType must be text, image, file or x- and a lowercase name (x-poll); '{type}' is none of them.");
        if (message.Content is null)
        {
            if (!custom) throw SeqlineException.Invalid($"content is required for {type}.");
            return RequireBody(message);
        }
        if (Encoding.UTF8.GetByteCount(message.Content) > maxContentBytes)
            throw SeqlineException.TooLarge($"content must be at most {maxContentBytes} bytes of UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.Content);
        }
        catch (JsonException)
        {
            throw SeqlineException.Invalid("content must be a JSON object.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw SeqlineException.Invalid("content must be a JSON object.");
            var normalized = message with { Content = Minified(root) };
            if (custom) return RequireBody(normalized);
            var name = RequireReference(type, root);
            return string.IsNullOrWhiteSpace(message.Body) ? normalized with { Body = Fallback(type, name) } : normalized;
        }
    }

    /// <summary>The fallback text of an image or a file whose send gave no body.</summary>
    public static string Fallback(string type, string? name) => name is { Length: > 0 } ? $"[{type}: {name}]" : $"[{type}]";

    private static OutgoingMessage RequireBody(OutgoingMessage message) => string.IsNullOrWhiteSpace(message.Body)
        ? throw SeqlineException.Invalid($"body (the fallback text) is required for {message.ContentType}.")
        : message;

    // The checks of an image or file reference; returns its name, if any.
    private static string? RequireReference(string type, JsonElement content)
    {
        if (!content.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw SeqlineException.Invalid($"content.url of {type} must be an absolute http or https URL.");
        if (!content.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var bytes) || bytes < 0)
            throw SeqlineException.Invalid($"content.size of {type} must be a whole number of bytes, not negative.");
        if (!content.TryGetProperty("mediaType", out var media) || media.ValueKind != JsonValueKind.String || !MediaType().IsMatch(media.GetString()!))
            throw SeqlineException.Invalid($"content.mediaType of {type} must be a media type (type/subtype, e.g. image/png).");
        if (type == Image && !media.GetString()!.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            throw SeqlineException.Invalid("content.mediaType of an image must be image/….");
        foreach (var dimension in (ReadOnlySpan<string>)["width", "height"])
            if (content.TryGetProperty(dimension, out var d) && (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var pixels) || pixels < 0))
                throw SeqlineException.Invalid($"content.{dimension} of {type} must be a whole number of pixels, not negative.");
        if (!content.TryGetProperty("name", out var name)) return null;
        if (name.ValueKind != JsonValueKind.String || name.GetString()!.Length > MaxNameLength)
            throw SeqlineException.Invalid($"content.name of {type} must be a string of at most {MaxNameLength} characters.");
        return name.GetString();
    }

    private static string Minified(JsonElement root)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) root.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [GeneratedRegex("^x-[a-z0-9][a-z0-9.-]{0,62}$")]
    private static partial Regex CustomType();

    // RFC 6838 restricted names, without parameters.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")]
    private static partial Regex MediaType();
}
