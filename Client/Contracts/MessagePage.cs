namespace Seqline.Client;

/// <summary>A page of a conversation's history.</summary>
/// <param name="Messages">The messages in ascending seq order, whichever direction was paged.</param>
/// <param name="HasMore">Whether more messages lie further in the paged direction.</param>
public sealed record MessagePage(IReadOnlyList<Message> Messages, bool HasMore);
