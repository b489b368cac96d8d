using System.Collections.Concurrent;
using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Client;

/// <summary>
/// Group roles through the client library: reading roles, giving them, renaming, the typed events
/// every member's client raises, a refusal as <see cref="SeqlineApiException"/>, and the notices a
/// reset pages back for an open conversation.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ClientRoleTests(SeqlineNodeFixture node)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private SeqlineServer Server => node.Server;

    private static Task Record(ConcurrentQueue<SyncEvent> into, SyncEvent e)
    {
        into.Enqueue(e);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_owner_promotes_an_admin_renames_and_every_client_raises_the_events()
    {
        var (ann, bob, cat) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cat"));
        await using var anns = await ClientDevice.Connect(Server, await Server.Token(ann));
        await using var bobs = await ClientDevice.Connect(Server, await Server.Token(bob));
        await using var cats = await ClientDevice.Connect(Server, await Server.Token(cat));
        var (roles, titles) = (new ConcurrentQueue<SyncEvent>(), new ConcurrentQueue<SyncEvent>());
        cats.Client.RoleChanged += e => Record(roles, e);
        cats.Client.TitleChanged += e => Record(titles, e);

        var created = await anns.Client.CreateConversationAsync([bob, cat], "team");
        var id = created.ConversationId;
        Assert.Equal((ann, MemberRoles.Owner, MemberRoles.Member), (created.Owner, created.RoleOf(ann), created.RoleOf(bob)));

        var promoted = await anns.Client.SetRoleAsync(id, bob, MemberRoles.Admin);
        Assert.Equal(MemberRoles.Admin, promoted.RoleOf(bob));
        var renamed = await bobs.Client.SetTitleAsync(id, "renamed");
        Assert.Equal("renamed", renamed.Title);
        await Eventually.True(() => Task.FromResult(!roles.IsEmpty && !titles.IsEmpty), Within, "cat's client to raise both events");

        var role = Assert.Single(roles);
        Assert.Equal((SyncEventTypes.Role, id, 1L, ann, bob, MemberRoles.Admin), (role.Type, role.ConversationId, role.Seq, role.SenderId, role.UserId, role.Role));
        var title = Assert.Single(titles);
        Assert.Equal((2L, bob, "renamed"), (title.Seq, title.SenderId, title.Title));
        Assert.Equal(MemberRoles.Admin, (await cats.Client.GetConversationAsync(id)).RoleOf(bob));

        var refused = await Assert.ThrowsAsync<SeqlineApiException>(() => cats.Client.SetRoleAsync(id, cat, MemberRoles.Admin));
        Assert.Equal((403, ErrorCodes.Forbidden), (refused.Status, refused.Code));
        refused = await Assert.ThrowsAsync<SeqlineApiException>(() => cats.Client.SetTitleAsync(id, "mine"));
        Assert.Equal((403, ErrorCodes.Forbidden), (refused.Status, refused.Code));
        Assert.Equal(("renamed", 2L), ((await anns.Client.GetConversationAsync(id)).Title, (await anns.Client.GetConversationAsync(id)).LastSeq));
    }

    [Fact]
    public async Task A_reset_pages_the_notices_of_an_open_conversation_back_as_their_own_events()
    {
        var (ann, bob) = (Ids.User("ann"), Ids.User("bob"));
        await using var anns = await ClientDevice.Connect(Server, await Server.Token(ann));
        var id = (await anns.Client.CreateConversationAsync([bob], "team")).ConversationId;
        await anns.Client.SendAsync(id, "hello");
        await anns.Client.SetRoleAsync(id, bob, MemberRoles.Owner);

        // A new device: its first sync is a reset, and the open conversation is paged from the start.
        await using var bobs = await ClientDevice.Connect(Server, await Server.Token(bob), beforeConnect: c => c.OpenConversation(id));
        await Eventually.True(() => Task.FromResult(bobs.Client.OpenConversations[id] == 3), Within, "bob's client to page the conversation");

        Assert.Equal([$"message {ann} ", $"role {ann} {bob}=owner", $"role {ann} {ann}=admin"],
            bobs.Events.Where(e => e.ConversationId == id).Select(e => $"{e.Type} {e.SenderId} {(e.UserId is null ? "" : $"{e.UserId}={e.Role}")}"));
    }
}
