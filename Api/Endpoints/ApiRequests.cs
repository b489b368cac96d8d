using System.Text.Json;
using Seqline.Conversations;
using Seqline.Receipts;

namespace Seqline.Api.Endpoints;

/// <summary>
/// Request bodies of the HTTP API. Fields are nullable so that missing ones get a clear 400; those
/// with a default are optional, which the OpenAPI document says too.
/// </summary>
public sealed record CreateConversationRequest(IReadOnlyList<string>? Members, string? Title = null, string? Kind = null);

public sealed record ChangeMembersRequest(IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null);

/// <summary>A member's new role: <c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
public sealed record SetRoleRequest(string? Role);

/// <summary>A group's new title; null or empty for none.</summary>
public sealed record SetTitleRequest(string? Title = null);

/// <summary>A message to send, over HTTP and the hub's <c>Send</c>.</summary>
/// <param name="Body">The text; for a typed message the fallback text shown by clients that do not render its type (optional for image and file).</param>
/// <param name="ReplyTo">The seq of a message of the conversation this one replies to.</param>
/// <param name="ContentType"><c>text</c> (the default), <c>image</c>, <c>file</c>, or <c>x-</c> and a lowercase name.</param>
/// <param name="Content">For image and file: <c>{ url, size, mediaType, name?, width?, height? }</c>; for an <c>x-</c> type any JSON object.</param>
/// <param name="Delivered">
/// Acknowledgements of pushed messages riding on the send, as the hub's <c>DeliveredMany</c> takes them
/// (up to 256 <c>{ conversationId, seq }</c>): a device sends them here instead of a message of their own.
/// Kept once the message is stored, as far as this node pushed them; over HTTP the conversations skipped
/// are named in the <c>Seqline-Delivered-Skipped</c> header, for the device to send over its hub.
/// </param>
public sealed record SendMessageRequest(string? ClientMsgId, string? Body, IReadOnlyList<string>? Mentions = null,
    long? ReplyTo = null, string? ContentType = null, JsonElement? Content = null, IReadOnlyList<DeliveredPosition>? Delivered = null)
{
    public OutgoingMessage ToMessage(string senderId) => new(senderId, RequestParsing.Required(ClientMsgId, "clientMsgId"),
        ContentType is null or "text" ? RequestParsing.Required(Body, "body") : Body ?? "", Mentions,
        ReplyTo, ContentType, Content is { ValueKind: not JsonValueKind.Null } c ? c.GetRawText() : null);
}

/// <summary>An edit: the message's new body.</summary>
public sealed record EditMessageRequest(string? Body);

/// <summary>A body naming one seq: read markers, hiding, clearing.</summary>
public sealed record SeqRequest(long? Seq);

public sealed record DevTokenRequest(string? UserId);

public sealed record DevTokenResponse(string Token);

internal static class RequestParsing
{
    public static ConversationKind Kind(string? kind) => kind?.ToLowerInvariant() switch
    {
        null or "group" => ConversationKind.Group,
        "direct" => ConversationKind.Direct,
        _ => throw SeqlineException.Invalid("kind must be \"group\" or \"direct\"."),
    };

    public static MemberRole Role(string? role) => role?.ToLowerInvariant() switch
    {
        "owner" => MemberRole.Owner,
        "admin" => MemberRole.Admin,
        "member" => MemberRole.Member,
        _ => throw SeqlineException.Invalid("role must be \"owner\", \"admin\" or \"member\"."),
    };

    public static T Required<T>(T? value, string name) where T : class =>
        value ?? throw SeqlineException.Invalid($"{name} is required.");
}
