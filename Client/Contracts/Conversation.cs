namespace Seqline.Client;

/// <summary>A conversation, its members and their roles, as returned when it is read, created or changed.</summary>
/// <param name="ConversationId">The conversation's id.</param>
/// <param name="Kind">One of <see cref="ConversationKinds"/>.</param>
/// <param name="Title">The title, if one was given.</param>
/// <param name="Members">The user ids of all members, the caller included.</param>
/// <param name="Fanout">One of <see cref="FanoutModes"/>.</param>
/// <param name="LastSeq">The seq of the newest message or notice; 0 when there is none.</param>
/// <param name="Owner">A group's owner (see <see cref="MemberRoles"/>); null for a direct conversation.</param>
/// <param name="Admins">A group's admins, the owner not among them; empty for a direct conversation.</param>
public sealed record Conversation(
    string ConversationId,
    string Kind,
    string? Title,
    IReadOnlyList<string> Members,
    string Fanout,
    long LastSeq,
    string? Owner = null,
    IReadOnlyList<string>? Admins = null)
{
    /// <summary>The role of <paramref name="userId"/>, a member, as one of <see cref="MemberRoles"/>.</summary>
    public string RoleOf(string userId) =>
        userId == Owner ? MemberRoles.Owner : Admins?.Contains(userId, StringComparer.Ordinal) == true ? MemberRoles.Admin : MemberRoles.Member;
}
