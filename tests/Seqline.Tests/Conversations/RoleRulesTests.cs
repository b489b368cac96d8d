using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// The rules of group roles on their own, no cluster: who may add and remove members, change the
/// title and give roles, what each refusal is, and who the group passes to when its owner is gone.
/// </summary>
public sealed class RoleRulesTests
{
    // ann owns the group, bob and cat are admins, dan and eve are plain members.
    private static readonly GroupRoles Roles = new("ann", ["bob", "cat"]);
    private static readonly HashSet<string> Members = ["ann", "bob", "cat", "dan", "eve"];

    private static void Refused(ErrorCode code, Action call) => Assert.Equal(code, Assert.Throws<SeqlineException>(call).Code);

    private static List<RoleAssignment> Assign(string actor, string user, MemberRole role, int maxAdmins = 10, ConversationKind kind = ConversationKind.Group) =>
        RoleRules.Assign(kind, Roles, new RoleChange(actor, user, role), Members.Contains, maxAdmins);

    [Fact]
    public void Roles_say_who_is_owner_admin_and_member()
    {
        Assert.Equal([MemberRole.Owner, MemberRole.Admin, MemberRole.Admin, MemberRole.Member], new[] { "ann", "bob", "cat", "dan" }.Select(Roles.Of));
        Assert.Equal(MemberRole.Member, GroupRoles.None.Of("ann"));
    }

    [Theory]
    [InlineData("ann", new[] { "zoe" }, new[] { "bob", "dan" })]
    [InlineData("bob", new[] { "zoe" }, new[] { "dan", "eve" })]
    [InlineData("bob", new string[0], new[] { "bob", "dan" })]
    [InlineData("dan", new string[0], new[] { "dan" })]
    [InlineData("ann", new string[0], new[] { "ann" })]
    public void The_owner_and_admins_change_members_and_anyone_may_leave(string actor, string[] adding, string[] removing) =>
        RoleRules.RequireMayChangeMembers(Roles, actor, adding, removing);

    [Theory]
    [InlineData("dan", new[] { "zoe" }, new string[0])]
    [InlineData("dan", new string[0], new[] { "eve" })]
    [InlineData("dan", new string[0], new[] { "dan", "eve" })]
    [InlineData("bob", new string[0], new[] { "cat" })]
    [InlineData("bob", new string[0], new[] { "ann" })]
    public void A_member_changing_others_and_an_admin_removing_the_owner_or_an_admin_are_forbidden(string actor, string[] adding, string[] removing) =>
        Refused(ErrorCode.Forbidden, () => RoleRules.RequireMayChangeMembers(Roles, actor, adding, removing));

    [Fact]
    public void The_owner_and_admins_change_the_title_and_members_may_not()
    {
        RoleRules.RequireMayRetitle(ConversationKind.Group, Roles, "ann");
        RoleRules.RequireMayRetitle(ConversationKind.Group, Roles, "bob");
        Refused(ErrorCode.Forbidden, () => RoleRules.RequireMayRetitle(ConversationKind.Group, Roles, "dan"));
        Refused(ErrorCode.Forbidden, () => RoleRules.RequireMayRetitle(ConversationKind.Direct, GroupRoles.None, "ann"));
    }

    [Fact]
    public void The_owner_promotes_and_demotes()
    {
        Assert.Equal([new RoleAssignment("dan", MemberRole.Admin)], Assign("ann", "dan", MemberRole.Admin));
        Assert.Equal([new RoleAssignment("bob", MemberRole.Member)], Assign("ann", "bob", MemberRole.Member));
        Assert.Equal(new GroupRoles("ann", ["cat", "dan"]), Roles.With([new("bob", MemberRole.Member), new("dan", MemberRole.Admin)]));
    }

    [Fact]
    public void Handing_ownership_over_makes_the_old_owner_an_admin()
    {
        var changes = Assign("ann", "dan", MemberRole.Owner);
        Assert.Equal([new RoleAssignment("dan", MemberRole.Owner), new RoleAssignment("ann", MemberRole.Admin)], changes);
        Assert.Equal(new GroupRoles("dan", ["bob", "cat", "ann"]), Roles.With(changes));
        // An admin made owner leaves the admins.
        Assert.Equal(new GroupRoles("bob", ["cat", "ann"]), Roles.With(Assign("ann", "bob", MemberRole.Owner)));
    }

    [Fact]
    public void Giving_a_role_the_member_has_changes_nothing_whoever_asks() =>
        Assert.Empty(Assign("dan", "bob", MemberRole.Admin));

    [Theory]
    [InlineData("bob", "dan", MemberRole.Admin)]
    [InlineData("bob", "cat", MemberRole.Member)]
    [InlineData("bob", "bob", MemberRole.Owner)]
    [InlineData("dan", "dan", MemberRole.Admin)]
    [InlineData("dan", "eve", MemberRole.Owner)]
    [InlineData("ann", "ann", MemberRole.Admin)]
    [InlineData("ann", "ann", MemberRole.Member)]
    public void Only_the_owner_gives_roles_and_not_to_themselves(string actor, string user, MemberRole role) =>
        Refused(ErrorCode.Forbidden, () => Assign(actor, user, role));

    [Fact]
    public void Direct_conversations_have_no_roles_and_non_members_get_none()
    {
        Refused(ErrorCode.Forbidden, () => Assign("ann", "dan", MemberRole.Admin, kind: ConversationKind.Direct));
        Refused(ErrorCode.Forbidden, () => Assign("ann", "dan", MemberRole.Member, kind: ConversationKind.Direct));
        Refused(ErrorCode.NotFound, () => Assign("ann", "zoe", MemberRole.Admin));
        Refused(ErrorCode.Invalid, () => Assign("ann", "no spaces", MemberRole.Admin));
    }

    [Fact]
    public void Admins_are_bounded_but_a_group_at_the_bound_may_still_hand_ownership_to_an_admin()
    {
        Refused(ErrorCode.TooLarge, () => Assign("ann", "dan", MemberRole.Admin, maxAdmins: 2));
        Refused(ErrorCode.TooLarge, () => Assign("ann", "dan", MemberRole.Owner, maxAdmins: 2));
        Assert.Equal(2, Assign("ann", "bob", MemberRole.Owner, maxAdmins: 2).Count);
    }

    private static Membership MembershipOf(params (string User, long JoinedAt)[] members)
    {
        var membership = new Membership();
        membership.Apply(members.Select(m => MemberRow.Settled(m.User) with { JoinedAt = m.JoinedAt }));
        return membership;
    }

    [Fact]
    public void An_owner_gone_passes_the_group_to_the_longest_standing_admin()
    {
        // cat joined before bob; dan before both, but dan is no admin.
        var (roles, heir) = RoleRules.Settle(Roles, MembershipOf(("bob", 9), ("cat", 5), ("dan", 1), ("eve", 1)));
        Assert.Equal(new RoleAssignment("cat", MemberRole.Owner), heir);
        Assert.Equal(new GroupRoles("cat", ["bob"]), roles);
    }

    [Fact]
    public void Without_admins_the_longest_standing_member_inherits_ties_by_user_id()
    {
        var (roles, heir) = RoleRules.Settle(new GroupRoles("ann", []), MembershipOf(("eve", 3), ("fay", 7), ("dan", 3)));
        Assert.Equal(new RoleAssignment("dan", MemberRole.Owner), heir);
        Assert.Equal(new GroupRoles("dan", []), roles);
    }

    [Fact]
    public void Roles_of_users_gone_go_and_a_group_nobody_is_in_has_no_owner()
    {
        var (roles, heir) = RoleRules.Settle(Roles, MembershipOf(("ann", 1), ("cat", 1), ("dan", 1)));
        Assert.Null(heir);
        Assert.Equal(new GroupRoles("ann", ["cat"]), roles);

        (roles, heir) = RoleRules.Settle(Roles, new Membership());
        Assert.Null(heir);
        Assert.Equal(GroupRoles.None, roles);
    }
}
