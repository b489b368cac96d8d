namespace Seqline.Client;

/// <summary>A conversation and its members, as returned when it is created or its membership changes.</summary>
/// <param name="ConversationId">The conversation's id.</param>
/// <param name="Kind">One of <see cref="ConversationKinds"/>.</param>
/// <param name="Title">The title, if one was given.</param>
/// <param name="Members">The user ids of all members, the caller included.</param>
/// <param name="Fanout">One of <see cref="FanoutModes"/>.</param>
/// <param name="LastSeq">The seq of the newest message; 0 when there is none.</param>
public sealed record Conversation(
    string ConversationId,
    string Kind,
    string? Title,
    IReadOnlyList<string> Members,
    string Fanout,
    long LastSeq);
