using Seqline.Conversations;

namespace Seqline.Api.Endpoints;

/// <summary>
/// Request bodies of the HTTP API. Fields are nullable so that missing ones get a clear 400; those
/// with a default are optional, which the OpenAPI document says too.
/// </summary>
public sealed record CreateConversationRequest(IReadOnlyList<string>? Members, string? Title = null, string? Kind = null);

public sealed record ChangeMembersRequest(IReadOnlyList<string>? Add = null, IReadOnlyList<string>? Remove = null);

public sealed record SendMessageRequest(string? ClientMsgId, string? Body, IReadOnlyList<string>? Mentions = null);

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

    public static T Required<T>(T? value, string name) where T : class =>
        value ?? throw SeqlineException.Invalid($"{name} is required.");
}
