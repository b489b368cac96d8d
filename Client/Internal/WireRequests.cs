namespace Seqline.Client.Internal;

// Request bodies of the HTTP API, named so the JSON source generator can serialize them.

internal sealed record CreateConversationRequest(IReadOnlyList<string> Members, string? Title, string Kind);

internal sealed record ChangeMembersRequest(IReadOnlyList<string>? Add, IReadOnlyList<string>? Remove);

// Delivered: acknowledgements of pushes riding on the send (DeliveryAcks.TakeWaiting).
internal sealed record SendMessageRequest(string ClientMsgId, string Body, IReadOnlyList<string>? Mentions,
    long? ReplyTo = null, string? ContentType = null, System.Text.Json.JsonElement? Content = null, IReadOnlyList<DeliveredPosition>? Delivered = null);

// An edit: the message's new body.
internal sealed record EditMessageRequest(string Body);

internal sealed record SetRoleRequest(string Role);

// Null removes the title; the field is sent as null, not left out, so the request says so.
internal sealed record SetTitleRequest([property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Title);

// A body naming one seq: read markers, hiding, clearing.
internal sealed record SeqRequest(long Seq);

// A mute: whether the conversation is muted from now on.
internal sealed record MuteRequest(bool Muted);

// RFC 7807 problem details plus the server's machine-readable code.
internal sealed record ProblemDetailsBody(string? Title, string? Detail, int? Status, string? Code);

// A settings change: what is left out (null) keeps its value.
internal sealed record SettingsChange(bool? HidePresence, bool? HideReadReceipts);

internal sealed record DeliveredRequest(long Seq);
