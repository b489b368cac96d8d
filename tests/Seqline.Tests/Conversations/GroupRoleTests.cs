using Orleans.Runtime;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Conversations.ConversationGrainTests;

namespace Seqline.Tests.Conversations;

/// <summary>
/// Roles through the conversation grain: the creator owns the group, the owner and admins manage it,
/// every role or title change is a notice in the timeline that each member's devices get by sync,
/// roles survive a reactivation, and every refusal is <c>forbidden</c> with nothing changed.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class GroupRoleTests(MemoryCluster cluster)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private IConversationGrain Conversation(string id) => cluster.Grains.GetGrain<IConversationGrain>(id);

    // ann owns a group with bob, cat and dan, who joined in that order (dan last, in a change of his own).
    private async Task<(string Id, string Ann, string Bob, string Cat, string Dan)> NewGroup()
    {
        var (id, ann, bob, cat, dan) = (Ids.Conversation(), Ids.User("ann"), Ids.User("bob"), Ids.User("cat"), Ids.User("dan"));
        await Conversation(id).Create(new NewConversation(ann, [bob, cat], "team", ConversationKind.Group));
        await Conversation(id).Send(new OutgoingMessage(ann, Ids.ClientMsg(), "hello"));
        await Conversation(id).ChangeMembers(new MembershipChange(ann, [dan], []));
        return (id, ann, bob, cat, dan);
    }

    private async Task<TestDevice> Device(string user) => await new TestDevice(cluster.Grains, user).Connect();

    private async Task<Dictionary<string, TestDevice>> Devices(params string[] users)
    {
        var devices = new Dictionary<string, TestDevice>();
        foreach (var user in users) devices[user] = await Device(user);
        return devices;
    }

    private static async Task<SyncEvent> NextOf(TestDevice device, string conversationId, string type, long seq) =>
        await Eventually.Succeeds(async () =>
        {
            await device.PullAll();
            return device.Events.Single(e => e.ConversationId == conversationId && e.Type == type && e.Seq == seq);
        }, Within);

    // Everything a member can read of the conversation, roles included.
    private static async Task<string> Snapshot(IConversationGrain conversation, string asUser)
    {
        var view = await conversation.Get(asUser);
        var history = await conversation.ReadAfter(asUser, 0, 1000);
        return $"'{view.Title}' [{string.Join(", ", view.Members)}] owner {view.Owner} admins [{string.Join(", ", view.Admins ?? [])}] last {view.LastSeq}: "
            + string.Join(" | ", history.Messages.Select(m => $"{m.Seq} {m.SenderId} {m.Type} {m.UserId} {m.Role} {m.Title}: {m.Body}"));
    }

    [Fact]
    public async Task The_creator_owns_a_group_and_a_direct_conversation_has_no_roles()
    {
        var (id, ann, bob, _, _) = await NewGroup();
        var view = await Conversation(id).Get(bob);
        Assert.Equal(ann, view.Owner);
        Assert.Empty(view.Admins!);

        var direct = await Conversation(DirectConversation.IdFor(ann, bob)).Create(new NewConversation(ann, [bob], null, ConversationKind.Direct));
        Assert.Null(direct.Owner);
        Assert.Empty(direct.Admins!);
        await AssertRefused(ErrorCode.Forbidden, () => Conversation(direct.ConversationId).SetRole(new RoleChange(ann, bob, MemberRole.Admin)));
        await AssertRefused(ErrorCode.Forbidden, () => Conversation(direct.ConversationId).SetTitle(ann, "us"));
        var after = await Conversation(direct.ConversationId).Get(ann);
        Assert.Equal((direct.Title, direct.LastSeq, (string?)null), (after.Title, after.LastSeq, after.Owner));
    }

    [Fact]
    public async Task A_promotion_is_a_role_event_every_member_gets_and_it_survives_a_reactivation()
    {
        var (id, ann, bob, cat, dan) = await NewGroup();
        var devices = await Devices(ann, bob, cat, dan);

        var view = await Conversation(id).SetRole(new RoleChange(ann, bob, MemberRole.Admin));
        Assert.Equal([bob], view.Admins);
        Assert.Equal(2, view.LastSeq);
        foreach (var device in devices.Values)
        {
            var e = await NextOf(device, id, SyncEventTypes.Role, 2);
            Assert.Equal((ann, bob, MemberRole.Admin), (e.SenderId, e.UserId, e.Role));
        }
        var notice = Assert.Single((await Conversation(id).ReadAfter(cat, 1, 10)).Messages);
        Assert.Equal((SyncEventTypes.Role, bob, MemberRole.Admin, ""), (notice.Type, notice.UserId, notice.Role, notice.Body));

        // A notice counts like a message in the lists (cat has not read "hello" either), except for the member who made the change.
        var catsRow = (await cluster.Grains.GetGrain<IInboxGrain>(cat).GetConversations()).Single(r => r.ConversationId == id);
        var annsRow = (await cluster.Grains.GetGrain<IInboxGrain>(ann).GetConversations()).Single(r => r.ConversationId == id);
        Assert.Equal((2L, 2L, "hello"), (catsRow.LastSeq, catsRow.Unread, catsRow.LastMessage?.Body));
        Assert.Equal(0, annsRow.Unread);

        await cluster.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal([bob], (await Conversation(id).Get(dan)).Admins);
        // The next seq follows the notice.
        Assert.Equal(3, (await Conversation(id).Send(new OutgoingMessage(dan, Ids.ClientMsg(), "congrats"))).Seq);
        await AssertRefused(ErrorCode.Forbidden, () => Conversation(id).Recall(ann, 2));
    }

    [Fact]
    public async Task Admins_add_and_remove_plain_members_and_rename_the_group()
    {
        var (id, ann, bob, cat, dan) = await NewGroup();
        var eve = Ids.User("eve");
        await Conversation(id).SetRole(new RoleChange(ann, bob, MemberRole.Admin));
        var cats = await Device(cat);

        var view = await Conversation(id).ChangeMembers(new MembershipChange(bob, [eve], [dan]));
        Assert.Equal(new[] { ann, bob, cat, eve }.Order(StringComparer.Ordinal), view.Members);
        view = await Conversation(id).SetTitle(bob, "renamed");
        Assert.Equal("renamed", view.Title);

        var e = await NextOf(cats, id, SyncEventTypes.Title, view.LastSeq);
        Assert.Equal((bob, "renamed"), (e.SenderId, e.Title));
        await Eventually.True(async () => (await cluster.Grains.GetGrain<IInboxGrain>(eve).GetConversations()).SingleOrDefault()?.Title == "renamed",
            Within, "eve's list to show the new title");
        Assert.Equal("renamed", (await cluster.Grains.GetGrain<IInboxGrain>(cat).GetConversations()).Single(r => r.ConversationId == id).Title);

        // Anyone may leave, an admin too.
        view = await Conversation(id).ChangeMembers(new MembershipChange(bob, [], [bob]));
        Assert.Empty(view.Admins!);
    }

    [Fact]
    public async Task Every_refusal_is_forbidden_and_changes_nothing()
    {
        var (id, ann, bob, cat, dan) = await NewGroup();
        var c = Conversation(id);
        await c.SetRole(new RoleChange(ann, bob, MemberRole.Admin));
        await c.SetRole(new RoleChange(ann, cat, MemberRole.Admin));
        var before = await Snapshot(c, ann);
        var zoe = Ids.User("zoe");

        async Task Refused(Func<Task> call)
        {
            await AssertRefused(ErrorCode.Forbidden, call);
            Assert.Equal(before, await Snapshot(c, ann));
        }
        // A plain member adds, removes, renames, gives roles.
        await Refused(() => c.ChangeMembers(new MembershipChange(dan, [zoe], [])));
        await Refused(() => c.ChangeMembers(new MembershipChange(dan, [], [cat])));
        await Refused(() => c.ChangeMembers(new MembershipChange(dan, [], [dan, cat])));
        await Refused(() => c.SetTitle(dan, "mine"));
        await Refused(() => c.SetRole(new RoleChange(dan, dan, MemberRole.Admin)));
        await Refused(() => c.SetRole(new RoleChange(dan, ann, MemberRole.Member)));
        // An admin removes the owner or another admin, gives roles, takes ownership.
        await Refused(() => c.ChangeMembers(new MembershipChange(bob, [], [ann])));
        await Refused(() => c.ChangeMembers(new MembershipChange(bob, [], [cat])));
        await Refused(() => c.SetRole(new RoleChange(bob, dan, MemberRole.Admin)));
        await Refused(() => c.SetRole(new RoleChange(bob, cat, MemberRole.Member)));
        await Refused(() => c.SetRole(new RoleChange(bob, bob, MemberRole.Owner)));
        // The owner demotes themselves without handing ownership over.
        await Refused(() => c.SetRole(new RoleChange(ann, ann, MemberRole.Admin)));
        // Someone outside does anything.
        await Refused(() => c.SetTitle(zoe, "mine"));
        await Refused(() => c.SetRole(new RoleChange(zoe, dan, MemberRole.Admin)));
        await AssertRefused(ErrorCode.NotFound, () => c.SetRole(new RoleChange(ann, zoe, MemberRole.Admin)));
        Assert.Equal(before, await Snapshot(c, ann));
    }

    [Fact]
    public async Task The_owner_hands_ownership_over_and_becomes_an_admin()
    {
        var (id, ann, bob, cat, dan) = await NewGroup();
        var dans = await Device(dan);

        var view = await Conversation(id).SetRole(new RoleChange(ann, cat, MemberRole.Owner));
        Assert.Equal(cat, view.Owner);
        Assert.Equal([ann], view.Admins!);
        var given = await NextOf(dans, id, SyncEventTypes.Role, 2);
        var kept = await NextOf(dans, id, SyncEventTypes.Role, 3);
        Assert.Equal((cat, MemberRole.Owner), (given.UserId, given.Role));
        Assert.Equal((ann, MemberRole.Admin), (kept.UserId, kept.Role));

        // A retry of the handover changes nothing; the new owner rules now.
        var again = await Conversation(id).SetRole(new RoleChange(ann, cat, MemberRole.Owner));
        Assert.Equal((cat, 3L), (again.Owner, again.LastSeq));
        Assert.Equal([ann], again.Admins!);
        await AssertRefused(ErrorCode.Forbidden, () => Conversation(id).SetRole(new RoleChange(ann, bob, MemberRole.Admin)));
        Assert.Empty((await Conversation(id).SetRole(new RoleChange(cat, ann, MemberRole.Member))).Admins!);
    }

    [Fact]
    public async Task The_owner_leaving_passes_the_group_to_the_longest_standing_admin_else_member()
    {
        var (id, ann, bob, cat, dan) = await NewGroup();
        var devices = await Devices(ann, bob, cat, dan);
        // dan, who joined last, is the only admin: he inherits before the members who joined earlier.
        await Conversation(id).SetRole(new RoleChange(ann, dan, MemberRole.Admin));

        var view = await Conversation(id).ChangeMembers(new MembershipChange(ann, [], [ann]));
        Assert.Equal((dan, 0), (view.Owner, view.Admins!.Count));
        foreach (var user in new[] { bob, cat, dan })
        {
            var e = await NextOf(devices[user], id, SyncEventTypes.Role, 3);
            Assert.Equal((ann, dan, MemberRole.Owner), (e.SenderId, e.UserId, e.Role));
        }
        await Eventually.True(async () => { await devices[ann].PullAll(); return devices[ann].Events.Any(e => e.Type == SyncEventTypes.Left); },
            Within, "ann's device to learn she left");
        Assert.DoesNotContain(devices[ann].Events, e => e.Type == SyncEventTypes.Role && e.Seq == 3);

        // No admin left: the founders bob and cat joined together, so the lower user id inherits.
        view = await Conversation(id).ChangeMembers(new MembershipChange(dan, [], [dan]));
        Assert.Equal(new[] { bob, cat }.Min(StringComparer.Ordinal), view.Owner);
        Assert.Empty(view.Admins!);
    }
}
