using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Presence;

/// <summary>
/// Typing over real hubs on a full node and an edge-only node: delivered to members with a device
/// connected now, whichever node it is on, and to nobody else; never kept for later.
/// </summary>
public sealed class TypingTests(PresenceNodes nodes) : IClassFixture<PresenceNodes>
{
    [Fact]
    public async Task Typing_reaches_members_online_on_either_node_but_not_the_typist_nor_offline_members_later()
    {
        var (alice, bob, carol, dave) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.User("dave"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var both = await alicesApi.CreateGroup(bob, dave);
        var withCarol = await alicesApi.CreateGroup(carol, dave);
        await using var alicesPhone = await TypingDevice.Connect(nodes.Node, alice);
        await using var bobsLaptop = await TypingDevice.Connect(nodes.Edge, bob);
        await using var carolsPhone = await TypingDevice.Connect(nodes.Edge, carol);

        Assert.True(await alicesPhone.Typing(both));
        var notice = await bobsLaptop.Next();
        Assert.Equal((both, alice, nodes.ExpiresInMs), (notice.ConversationId, notice.UserId, notice.ExpiresInMs));

        // Carol is online but not in the first group: the first notice she gets is the second group's.
        Assert.True(await alicesPhone.Typing(withCarol));
        Assert.Equal(withCarol, (await carolsPhone.Next()).ConversationId);

        // Dave was offline for both: nothing was kept for him, so his first notice is one sent after he came.
        await using var davesPhone = await TypingDevice.Connect(nodes.Edge, dave);
        await using var alicesTablet = await TypingDevice.Connect(nodes.Node, alice);
        Assert.True(await alicesTablet.Typing(withCarol));
        Assert.Equal((withCarol, alice), Of(await davesPhone.Next()));

        // Alice's own devices never heard her typing: the first they hear is bob's.
        Assert.True(await bobsLaptop.Typing(both));
        Assert.Equal((both, bob), Of(await alicesPhone.Next()));
        Assert.Equal((both, bob), Of(await alicesTablet.Next()));
    }

    [Fact]
    public async Task A_second_notice_within_the_interval_is_dropped_and_not_delivered()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var first = await alicesApi.CreateGroup(bob);
        var second = await alicesApi.CreateGroup(bob);
        await using var alicesPhone = await TypingDevice.Connect(nodes.Node, alice);
        await using var bobsPhone = await TypingDevice.Connect(nodes.Edge, bob);

        Assert.True(await alicesPhone.Typing(first));
        Assert.False(await alicesPhone.Typing(first));
        Assert.True(await alicesPhone.Typing(second));

        Assert.Equal(first, (await bobsPhone.Next()).ConversationId);
        Assert.Equal(second, (await bobsPhone.Next()).ConversationId);
    }

    [Fact]
    public async Task Typing_is_not_shown_in_groups_larger_than_the_limit()
    {
        var alice = Ids.User("alice");
        var others = Enumerable.Range(0, nodes.TypingMaxMembers).Select(i => Ids.User($"member{i}")).ToArray();
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var large = await alicesApi.CreateGroup(others);
        var small = await alicesApi.CreateGroup(others[0]);
        await using var alicesPhone = await TypingDevice.Connect(nodes.Node, alice);
        await using var membersPhone = await TypingDevice.Connect(nodes.Edge, others[0]);

        Assert.False(await alicesPhone.Typing(large));
        Assert.True(await alicesPhone.Typing(small));

        Assert.Equal(small, (await membersPhone.Next()).ConversationId);
    }

    [Fact]
    public async Task A_non_member_is_refused_as_for_a_conversation_that_does_not_exist_and_nobody_hears_it()
    {
        var (alice, bob, mallory) = (Ids.User("alice"), Ids.User("bob"), Ids.User("mallory"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var group = await alicesApi.CreateGroup(bob);
        await using var bobsPhone = await TypingDevice.Connect(nodes.Edge, bob);
        await using var mallorysPhone = await TypingDevice.Connect(nodes.Edge, mallory);
        await using var alicesPhone = await TypingDevice.Connect(nodes.Node, alice);

        await TestHub.AssertRefused(() => mallorysPhone.Typing(group), "not_found", "a stranger typing");
        await TestHub.AssertRefused(() => mallorysPhone.Typing(Ids.Conversation()), "not_found", "an unknown conversation");
        await TestHub.AssertRefused(() => mallorysPhone.Typing("not an id!"), "invalid", "a malformed id");

        Assert.True(await alicesPhone.Typing(group));
        Assert.Equal((group, alice), Of(await bobsPhone.Next()));
    }

    private static (string, string) Of(TypingDevice.Notice notice) => (notice.ConversationId, notice.UserId);
}

/// <summary>A hub connection that keeps the typing notices it gets, once its push registration is in place.</summary>
public sealed class TypingDevice : IAsyncDisposable
{
    public sealed record Notice(string ConversationId, string UserId, int ExpiresInMs);

    private readonly HubConnection _hub;
    private readonly Channel<Notice> _notices;

    private TypingDevice(HubConnection hub, Channel<Notice> notices) => (_hub, _notices) = (hub, notices);

    /// <summary>Connects, and returns once the hub's first push says the node registered with the user's inbox.</summary>
    public static async Task<TypingDevice> Connect(SeqlineServer server, string userId)
    {
        var notices = Channel.CreateUnbounded<Notice>();
        var hub = await TestHub.ConnectRegistered(server, userId, h => h.On<Notice>("typing", n => notices.Writer.TryWrite(n)));
        return new TypingDevice(hub, notices);
    }

    public Task<bool> Typing(string conversationId) => _hub.InvokeAsync<bool>("Typing", conversationId);

    public async Task<Notice> Next() => await _notices.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}
