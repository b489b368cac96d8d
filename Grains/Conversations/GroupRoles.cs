namespace Seqline.Conversations;

/// <summary>A member and the role a change gives them.</summary>
public readonly record struct RoleAssignment(string UserId, MemberRole Role);

/// <summary>
/// Who manages a group: its one owner and its admins (the owner not among them); every other
/// member is a plain member. A value: changes make a new one. Direct conversations have none.
/// </summary>
public sealed record GroupRoles(string? Owner, IReadOnlyList<string> Admins)
{
    public static GroupRoles None { get; } = new(null, []);

    public MemberRole Of(string userId) =>
        userId == Owner ? MemberRole.Owner : Admins.Contains(userId, StringComparer.Ordinal) ? MemberRole.Admin : MemberRole.Member;

    /// <summary>These roles after <paramref name="changes"/>, in order (the last word on a user wins).</summary>
    public GroupRoles With(IEnumerable<RoleAssignment> changes)
    {
        var (owner, admins) = (Owner, Admins.ToList());
        foreach (var (user, role) in changes)
        {
            admins.Remove(user);
            if (owner == user) owner = null;
            if (role == MemberRole.Admin) admins.Add(user);
            else if (role == MemberRole.Owner) owner = user;
        }
        return new GroupRoles(owner, admins);
    }

    public bool Equals(GroupRoles? other) => other is not null && Owner == other.Owner && Admins.SequenceEqual(other.Admins);

    public override int GetHashCode() => HashCode.Combine(Owner, Admins.Count);
}
