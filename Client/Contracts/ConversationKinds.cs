namespace Seqline.Client;

/// <summary>Values of <see cref="Conversation.Kind"/>.</summary>
/// <remarks>Strings rather than an enum, so that a kind added by a newer server does not break an older client.</remarks>
public static class ConversationKinds
{
    /// <summary>A conversation with any number of members.</summary>
    public const string Group = "group";

    /// <summary>A conversation between exactly two users; creating it again returns the same conversation.</summary>
    public const string Direct = "direct";
}
