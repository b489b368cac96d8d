using Seqline.Conversations;

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

public sealed record SendMessageRequest(string? ClientMsgId, string? Body, IReadOnlyList<string>? Mentions = null);

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
