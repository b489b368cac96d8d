namespace Seqline.Client;

/// <summary>
/// Content types the server knows (<see cref="Message.ContentType"/>). Applications may add their own as <c>x-</c>
/// and a lowercase name (<c>x-poll</c>), with any JSON object as content; every message also has a body to show
/// where its type is not rendered.
/// </summary>
public static class ContentTypes
{
    /// <summary>Plain text, the default: <see cref="Message.ContentType"/> is null.</summary>
    public const string Text = "text";

    /// <summary>An image stored elsewhere: <c>{ url, size, mediaType: "image/…", name?, width?, height? }</c>.</summary>
    public const string Image = "image";

    /// <summary>A file stored elsewhere: <c>{ url, size, mediaType, name? }</c>.</summary>
    public const string File = "file";
}
