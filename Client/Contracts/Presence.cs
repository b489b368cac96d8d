namespace Seqline.Client;

/// <summary>Someone is typing in a conversation; show it for <paramref name="ExpiresInMs"/> unless another notice comes.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">The member typing.</param>
/// <param name="ExpiresInMs">How long the indicator stays without a fresh notice.</param>
public sealed record TypingNotice(string ConversationId, string UserId, int ExpiresInMs);

/// <summary>A user's presence as the caller may see it.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Online">A device of the user is connected now, on any node.</param>
/// <param name="LastSeen">When the user was last online, when offline and known.</param>
/// <param name="Hidden">The user hides their presence: neither online nor last seen is shown.</param>
public sealed record UserPresence(string UserId, bool Online, DateTimeOffset? LastSeen, bool Hidden);

/// <summary>The user's own settings.</summary>
/// <param name="HidePresence">Others see neither online nor last seen.</param>
/// <param name="HideReadReceipts">Nobody sees the user's read position, and the user sees nobody's; delivered still shows.</param>
public sealed record UserSettings(bool HidePresence, bool HideReadReceipts = false);
