namespace Seqline.Conversations;

/// <summary>
/// The rules of a membership change, decided from the request and the membership alone (no I/O):
/// who founds a conversation (the creator among them, within the limits, a direct conversation
/// exactly its pair under the pair's id), which rows a create that failed half-way left behind,
/// and whether a change of members changes anything (a direct conversation's never do). A request
/// that breaks a rule is refused here, before anything is written.
/// </summary>
public static class MembershipChangePlan
{
    /// <summary>The founding members of <paramref name="conversationId"/>, the creator among them.</summary>
    public static List<string> Founders(string conversationId, NewConversation request, SeqlineLimits limits)
    {
        Identifiers.RequireId(conversationId, "conversationId");
        Identifiers.RequireId(request.CreatorId, "creator");
        var members = request.Members.Append(request.CreatorId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var member in members) Identifiers.RequireId(member, "member");
        if (members.Count > limits.MaxMembers) throw SeqlineException.TooLarge($"A conversation has at most {limits.MaxMembers} members.");
        if (request.Title is { } title && title.Length > limits.MaxTitleLength)
            throw SeqlineException.Invalid($"title must be at most {limits.MaxTitleLength} characters.");
        if (request.Kind == ConversationKind.Direct)
        {
            if (members.Count != 2) throw SeqlineException.Invalid("A direct conversation is between exactly two users.");
            if (conversationId != DirectConversation.IdFor(members[0], members[1]))
                throw SeqlineException.Invalid("A direct conversation's id is DirectConversation.IdFor(the pair).");
        }
        return members;
    }

    /// <summary>The founders' rows: members whose join, from seq 1, their inboxes are still to be told.</summary>
    public static List<MemberRow> FounderRows(IReadOnlyList<string> founders) =>
        founders.Select(m => new MemberRow(m, true, [new MembershipTransition(true, 1)])).ToList();

    /// <summary>Users with rows left by a create that failed before its state was written, and not founders now.</summary>
    public static List<string> Leftovers(Membership membership, IReadOnlyList<string> founders) =>
        membership.Members.Concat(membership.Unsettled.Select(r => r.UserId)).Except(founders, StringComparer.Ordinal).Distinct().ToList();

    /// <summary>Whether <paramref name="change"/> alters who is a member; refuses a change the rules do not allow.</summary>
    public static bool Changes(ConversationKind kind, IReadOnlyCollection<string> members, MembershipChange change, int maxMembers)
    {
        if (kind == ConversationKind.Direct) throw SeqlineException.Invalid("The members of a direct conversation cannot change.");
        foreach (var id in change.Add.Concat(change.Remove)) Identifiers.RequireId(id, "member");
        var after = new HashSet<string>(members, StringComparer.Ordinal);
        after.UnionWith(change.Add);
        after.ExceptWith(change.Remove);
        if (after.Count > maxMembers) throw SeqlineException.TooLarge($"A conversation has at most {maxMembers} members.");
        return !after.SetEquals(members);
    }
}
