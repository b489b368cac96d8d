namespace Seqline.Conversations;

/// <summary>
/// The rules of roles in a group, decided from the roles and the membership alone (no I/O). The
/// owner and admins add and remove members and change the title; admins remove plain members only;
/// any member may leave; only the owner gives roles, and hands ownership over by giving it (becoming
/// an admin). A group whose owner is gone passes to its longest-standing admin, else its
/// longest-standing member: the earliest join, ties by user id. Direct conversations have no roles.
/// A request the rules do not allow is refused here, before anything is written.
/// </summary>
public static class RoleRules
{
    /// <summary>Refuses a change of members (what it adds and removes in effect) the actor's role does not allow.</summary>
    public static void RequireMayChangeMembers(GroupRoles roles, string actorId, IReadOnlyCollection<string> adding, IReadOnlyCollection<string> removing)
    {
        if (adding.Count == 0 && removing.All(u => u == actorId)) return;
        var actor = roles.Of(actorId);
        if (actor == MemberRole.Member) throw SeqlineException.Forbidden("Only the owner and admins add or remove members.");
        if (actor == MemberRole.Admin && removing.FirstOrDefault(u => u != actorId && roles.Of(u) != MemberRole.Member) is { } above)
            throw SeqlineException.Forbidden($"Only the owner removes the owner or an admin ('{above}').");
    }

    /// <summary>Refuses a change of title the actor's role does not allow.</summary>
    public static void RequireMayRetitle(ConversationKind kind, GroupRoles roles, string actorId)
    {
        if (kind == ConversationKind.Direct) throw SeqlineException.Forbidden("A direct conversation's title cannot change.");
        if (roles.Of(actorId) == MemberRole.Member) throw SeqlineException.Forbidden("Only the owner and admins change the title.");
    }

    /// <summary>
    /// The role changes of <paramref name="change"/>: none when the user has the role already, the
    /// user's and then the owner's when ownership is handed over; refuses what the rules do not allow.
    /// </summary>
    public static List<RoleAssignment> Assign(ConversationKind kind, GroupRoles roles, RoleChange change, Func<string, bool> isMember, int maxAdmins)
    {
        var (actor, user, role) = (change.ActorId, Identifiers.RequireId(change.UserId, "userId"), change.Role);
        if (kind == ConversationKind.Direct) throw SeqlineException.Forbidden("A direct conversation has no roles.");
        if (!isMember(user)) throw SeqlineException.NotFound($"'{user}' is not a member.");
        if (roles.Of(user) == role) return [];
        if (roles.Of(actor) != MemberRole.Owner) throw SeqlineException.Forbidden("Only the owner gives roles.");
        if (user == actor) throw SeqlineException.Forbidden("The owner hands ownership to another member to give it up.");
        List<RoleAssignment> changes = role == MemberRole.Owner ? [new(user, MemberRole.Owner), new(actor, MemberRole.Admin)] : [new(user, role)];
        var admins = roles.With(changes).Admins.Count;
        if (admins > maxAdmins && admins > roles.Admins.Count) throw SeqlineException.TooLarge($"A group has at most {maxAdmins} admins.");
        return changes;
    }

    /// <summary>
    /// The roles fitted to the members now: users no longer members have none, and a group with
    /// members and no owner among them passes to its heir, whose assignment comes back too.
    /// </summary>
    public static (GroupRoles Roles, RoleAssignment? Heir) Settle(GroupRoles roles, Membership membership)
    {
        var admins = roles.Admins.Where(membership.Contains).ToList();
        var owner = roles.Owner is { } o && membership.Contains(o) ? o : null;
        if (owner is not null || membership.Count == 0) return (new GroupRoles(owner, admins), null);
        var heir = Senior(admins, membership) ?? Senior(membership.Members, membership)!;
        admins.Remove(heir);
        return (new GroupRoles(heir, admins), new RoleAssignment(heir, MemberRole.Owner));
    }

    // The earliest to join of `users`, ties by user id; null when there is nobody.
    private static string? Senior(IEnumerable<string> users, Membership membership)
    {
        string? senior = null;
        var since = long.MaxValue;
        foreach (var user in users)
        {
            var joined = membership.RowOf(user)?.JoinedAt ?? long.MaxValue;
            if (senior is null || joined < since || joined == since && string.CompareOrdinal(user, senior) < 0) (senior, since) = (user, joined);
        }
        return senior;
    }
}
