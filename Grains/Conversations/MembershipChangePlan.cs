namespace Seqline.Conversations;

/// <summary>
/// The rules of a membership change, decided from the request and the membership alone (no I/O):
/// who founds a conversation (the creator among them, within the limits, a direct conversation
/// exactly its pair under the pair's id), which rows a create that failed half-way left behind,
/// and what a change of members changes (a direct conversation's never change). A request
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
        RequireTitle(request.Title, limits);
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
        founders.Select(m => new MemberRow(m, true, [new MembershipTransition(true, 1)], JoinedAt: 1)).ToList();

    /// <summary>Users with rows left by a create that failed before its state was written, and not founders now.</summary>
    public static List<string> Leftovers(Membership membership, IReadOnlyList<string> founders) =>
        membership.Members.Concat(membership.Unsettled.Select(r => r.UserId)).Except(founders, StringComparer.Ordinal).Distinct().ToList();

    /// <summary>Refuses a title longer than the limit.</summary>
    public static void RequireTitle(string? title, SeqlineLimits limits)
    {
        if (title is not null && title.Length > limits.MaxTitleLength)
            throw SeqlineException.Invalid($"title must be at most {limits.MaxTitleLength} characters.");
    }

    /// <summary>Whether <paramref name="change"/> alters who is a member; refuses a change the rules do not allow.</summary>
    public static bool Changes(ConversationKind kind, IReadOnlyCollection<string> members, MembershipChange change, int maxMembers)
    {
        var (adding, removing) = Effect(kind, members, change);
        if (members.Count + adding.Count - removing.Count > maxMembers) throw SeqlineException.TooLarge($"A conversation has at most {maxMembers} members.");
        return adding.Count > 0 || removing.Count > 0;
    }

    /// <summary>Who <paramref name="change"/> adds and removes in effect (removal wins for a user in both lists).</summary>
    public static (List<string> Adding, List<string> Removing) Effect(ConversationKind kind, IReadOnlyCollection<string> members, MembershipChange change)
    {
        if (kind == ConversationKind.Direct) throw SeqlineException.Invalid("The members of a direct conversation cannot change.");
        foreach (var id in change.Add.Concat(change.Remove)) Identifiers.RequireId(id, "member");
        var current = members as IReadOnlySet<string> ?? members.ToHashSet(StringComparer.Ordinal);
        var removed = change.Remove.ToHashSet(StringComparer.Ordinal);
        var removing = removed.Where(current.Contains).ToList();
        var adding = change.Add.Where(u => !current.Contains(u) && !removed.Contains(u)).Distinct(StringComparer.Ordinal).ToList();
        return (adding, removing);
    }
}
