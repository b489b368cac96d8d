namespace Seqline.Client;

/// <summary>Known values of <see cref="SyncEvent.Type"/>.</summary>
/// <remarks>
/// The server may add types; a client ignores the ones it does not know (they still reach <see cref="SeqlineClient.EventReceived"/>).
/// The values repeat the server's on purpose: the client speaks the wire protocol and references nothing of the server.
/// </remarks>
public static class SyncEventTypes
{
    /// <summary>A new message; the event carries the message fields.</summary>
    public const string Message = "message";

    /// <summary>The user's read cursor in a conversation moved; <see cref="SyncEvent.Seq"/> is the new read seq.</summary>
    public const string Read = "read";

    /// <summary>The user became a member; <see cref="SyncEvent.Seq"/> is the first message seq they get.</summary>
    public const string Joined = "joined";

    /// <summary>The user left or was removed from the conversation.</summary>
    public const string Left = "left";

    /// <summary>The conversation's fan-out mode changed at <see cref="SyncEvent.Seq"/>; nothing for a client to do.</summary>
    public const string Fanout = "fanout";

    /// <summary>The sender recalled the message at <see cref="SyncEvent.Seq"/>: replace it with a tombstone.</summary>
    public const string Recall = "recall";

    /// <summary>The user hid the message at <see cref="SyncEvent.Seq"/>, maybe on another device: stop showing it.</summary>
    public const string Hidden = "hidden";

    /// <summary>The user cleared the conversation up to <see cref="SyncEvent.Seq"/>, maybe on another device; that much is also read.</summary>
    public const string Cleared = "cleared";

    /// <summary>
    /// The user is mentioned at <see cref="SyncEvent.Seq"/> of a read-fan-out conversation. In write fan-out the
    /// <see cref="Message"/> event's <see cref="SyncEvent.Mentions"/> says it instead.
    /// </summary>
    public const string Mention = "mention";

    /// <summary>
    /// A notice at <see cref="SyncEvent.Seq"/> of a group: <see cref="SyncEvent.SenderId"/> gave <see cref="SyncEvent.UserId"/>
    /// the role <see cref="SyncEvent.Role"/> (<see cref="MemberRoles"/>). It takes a seq like a message, and every member gets it.
    /// </summary>
    public const string Role = "role";

    /// <summary>A notice at <see cref="SyncEvent.Seq"/> of a group: <see cref="SyncEvent.SenderId"/> renamed it to <see cref="SyncEvent.Title"/>.</summary>
    public const string Title = "title";

    /// <summary>The user muted the conversation, maybe on another device: it sends them no offline pushes.</summary>
    public const string Muted = "muted";

    /// <summary>The user unmuted the conversation, maybe on another device.</summary>
    public const string Unmuted = "unmuted";

    /// <summary>
    /// A notice at <see cref="SyncEvent.Seq"/>: the sender edited the message at <see cref="SyncEvent.TargetSeq"/>, whose text is
    /// now <see cref="SyncEvent.Body"/>. It takes a seq like a message, but is never unread.
    /// </summary>
    public const string Edited = "edited";

    /// <summary>
    /// A notice at <see cref="SyncEvent.Seq"/>: <see cref="SyncEvent.SenderId"/> reacted with <see cref="SyncEvent.Emoji"/> to the
    /// message at <see cref="SyncEvent.TargetSeq"/>, or took it back when <see cref="SyncEvent.Removed"/>. Never unread.
    /// </summary>
    public const string Reaction = "reaction";
}
