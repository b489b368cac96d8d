namespace Seqline.Presence;

/// <summary>
/// A member is typing in a conversation: ephemeral, never stored, handed only to edge nodes where a
/// recipient has a device connected now. Devices show it for <paramref name="ExpiresInMs"/> unless
/// another one arrives.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.TypingNotice")]
public sealed record TypingNotice(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] string UserId,
    [property: Id(2)] int ExpiresInMs);

/// <summary>
/// A user's presence as someone who shares a conversation with them sees it: online while any
/// device is connected anywhere in the cluster, else when one last was. A user who hides their
/// presence shows neither (<paramref name="Hidden"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.PresenceView")]
public sealed record PresenceView(
    [property: Id(0)] string UserId,
    [property: Id(1)] bool Online,
    [property: Id(2)] DateTimeOffset? LastSeen,
    [property: Id(3)] bool Hidden = false);

/// <summary>
/// The user's own settings: whether others may see their presence, and whether read positions are
/// shared (hidden: nobody sees the user's, and the user sees nobody's; delivered still shows).
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.UserSettings")]
public sealed record UserSettings(
    [property: Id(0)] bool HidePresence,
    [property: Id(40)] bool HideReadReceipts = false);
