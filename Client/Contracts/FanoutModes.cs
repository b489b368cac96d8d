namespace Seqline.Client;

/// <summary>Values of <see cref="Conversation.Fanout"/>: how the server delivers a conversation's messages.</summary>
/// <remarks>Informational: sync behaves the same either way; the server switches a conversation between modes as it grows.</remarks>
public static class FanoutModes
{
    /// <summary>Messages are copied into every member's inbox when they are sent.</summary>
    public const string Write = "write";

    /// <summary>Messages are stored once and merged into each member's sync when it is pulled (large groups).</summary>
    public const string Read = "read";
}
