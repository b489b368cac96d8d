using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// The rules of creating a conversation and changing its members, on their own, no cluster: who the
/// founders are, what a refused request is refused with, which rows a half-done create left, and
/// when a change changes nothing.
/// </summary>
public sealed class MembershipChangePlanTests
{
    private static readonly SeqlineLimits Limits = new() { MaxMembers = 3, MaxTitleLength = 5 };

    [Fact]
    public void The_creator_is_a_founder_once_whatever_the_list_says()
    {
        var founders = MembershipChangePlan.Founders("g-1", new NewConversation("ann", ["bob", "ann", "bob"], null, ConversationKind.Group), Limits);
        Assert.Equal(["bob", "ann"], founders);
        Assert.All(MembershipChangePlan.FounderRows(founders), r =>
        {
            Assert.True(r.IsMember);
            Assert.Equal([new MembershipTransition(true, 1)], r.Untold);
        });
    }

    [Theory]
    [InlineData("g-1", "ann", new[] { "bob", "cat", "dan" }, null, ErrorCode.TooLarge)]
    [InlineData("g-1", "ann", new[] { "bob" }, "a long title", ErrorCode.Invalid)]
    [InlineData("g-1", "ann", new[] { "b b" }, null, ErrorCode.Invalid)]
    [InlineData("g 1", "ann", new[] { "bob" }, null, ErrorCode.Invalid)]
    public void A_create_breaking_a_limit_or_an_id_rule_is_refused(string id, string creator, string[] members, string? title, ErrorCode code)
    {
        var refused = Assert.Throws<SeqlineException>(() =>
            MembershipChangePlan.Founders(id, new NewConversation(creator, members, title, ConversationKind.Group), Limits));
        Assert.Equal(code, refused.Code);
    }

    [Fact]
    public void A_direct_conversation_is_its_pair_under_the_pairs_id()
    {
        var id = DirectConversation.IdFor("ann", "bob");
        Assert.Equal(["bob", "ann"], MembershipChangePlan.Founders(id, new NewConversation("ann", ["bob"], null, ConversationKind.Direct), Limits));
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() =>
            MembershipChangePlan.Founders("dm-other", new NewConversation("ann", ["bob"], null, ConversationKind.Direct), Limits)).Code);
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() =>
            MembershipChangePlan.Founders(id, new NewConversation("ann", ["bob", "cat"], null, ConversationKind.Direct), Limits)).Code);
    }

    [Fact]
    public void Rows_left_by_a_failed_create_are_deleted_unless_their_users_found_it_now()
    {
        var membership = new Membership();
        membership.Apply([
            new MemberRow("ann", true, [new MembershipTransition(true, 1)]),
            new MemberRow("old", true, [new MembershipTransition(true, 1)]),
            new MemberRow("gone", false, [new MembershipTransition(false, 1)]),
        ]);

        Assert.Equal(["old", "gone"], MembershipChangePlan.Leftovers(membership, ["ann", "bob"]));
    }

    [Fact]
    public void A_change_that_leaves_the_same_members_changes_nothing()
    {
        string[] members = ["ann", "bob"];
        Assert.False(MembershipChangePlan.Changes(ConversationKind.Group, members, new MembershipChange("ann", ["bob"], ["cat"]), 3));
        Assert.False(MembershipChangePlan.Changes(ConversationKind.Group, members, new MembershipChange("ann", ["cat"], ["cat"]), 3));
        Assert.True(MembershipChangePlan.Changes(ConversationKind.Group, members, new MembershipChange("ann", ["cat"], []), 3));
        Assert.True(MembershipChangePlan.Changes(ConversationKind.Group, members, new MembershipChange("ann", [], ["bob"]), 3));
    }

    [Fact]
    public void A_change_past_the_limit_with_a_bad_id_or_of_a_direct_conversation_is_refused()
    {
        string[] members = ["ann", "bob"];
        Assert.Equal(ErrorCode.TooLarge, Assert.Throws<SeqlineException>(() =>
            MembershipChangePlan.Changes(ConversationKind.Group, members, new MembershipChange("ann", ["cat", "dan"], []), 3)).Code);
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() =>
            MembershipChangePlan.Changes(ConversationKind.Group, members, new MembershipChange("ann", [], ["b b"]), 3)).Code);
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() =>
            MembershipChangePlan.Changes(ConversationKind.Direct, members, new MembershipChange("ann", [], []), 3)).Code);
    }
}
