namespace Seqline.Client;

/// <summary>Known values of <see cref="SyncEvent.Type"/>.</summary>
/// <remarks>The server may add types; a client ignores the ones it does not know (they still reach <see cref="SeqlineClient.EventReceived"/>).</remarks>
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
}
