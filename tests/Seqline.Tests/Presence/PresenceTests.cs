using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Presence;

/// <summary>
/// Presence over HTTP with devices on real hubs on a full node and an edge-only node: online while
/// any device is connected anywhere, last seen after, only for people who share a conversation,
/// hidden on request, and never a write for a connect or a keystroke.
/// </summary>
public sealed class PresenceTests(PresenceNodes nodes) : IClassFixture<PresenceNodes>
{
    [Fact]
    public async Task A_user_is_online_while_a_device_is_connected_on_any_node_and_last_seen_after()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        await alicesApi.CreateGroup(bob);
        var phone = await TypingDevice.Connect(nodes.Node, bob);
        var laptop = await TypingDevice.Connect(nodes.Edge, bob);

        var online = await Presence(alicesApi, bob);
        Assert.True(online.GetProperty("online").GetBoolean());
        Assert.False(online.TryGetProperty("lastSeen", out _));

        await laptop.DisposeAsync();
        await Eventually.True(async () => await Inbox(bob).CountObservers() == 1, TimeSpan.FromSeconds(60), "the edge node's registration to go");
        Assert.True((await Presence(alicesApi, bob)).GetProperty("online").GetBoolean());

        var beforeLeaving = DateTimeOffset.UtcNow;
        await phone.DisposeAsync();
        await Eventually.True(async () => !(await Presence(alicesApi, bob)).GetProperty("online").GetBoolean(), TimeSpan.FromSeconds(60), "bob to go offline");
        Assert.True((await Presence(alicesApi, bob)).GetProperty("lastSeen").GetDateTimeOffset() >= beforeLeaving.AddSeconds(-1));
    }

    [Fact]
    public async Task Only_someone_who_shares_a_conversation_sees_presence_and_anyone_else_gets_not_found()
    {
        var (alice, bob, mallory, trent) = (Ids.User("alice"), Ids.User("bob"), Ids.User("mallory"), Ids.User("trent"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var mallorysApi = await ApiUser.SignIn(nodes.Edge, mallory);
        await alicesApi.CreateGroup(bob);

        // With no conversation at all, and then with one that bob is not in.
        await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync($"api/users/{bob}/presence"), HttpStatusCode.NotFound, "not_found");
        await mallorysApi.CreateGroup(trent);
        await Eventually.True(async () => (await mallorysApi.Http.GetAsync($"api/users/{trent}/presence")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "mallory and trent to share a group");
        await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync($"api/users/{bob}/presence"), HttpStatusCode.NotFound, "not_found");
        await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync("api/users/not%20an%20id/presence"), HttpStatusCode.BadRequest, "invalid");

        Assert.Equal(mallory, (await Presence(mallorysApi, mallory)).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task A_user_who_hides_presence_shows_others_neither_online_nor_last_seen()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        await alicesApi.CreateGroup(bob);
        await using var phone = await TypingDevice.Connect(nodes.Edge, bob);
        Assert.True((await Presence(alicesApi, bob)).GetProperty("online").GetBoolean());

        var writes = nodes.InboxWrites;
        var changed = await ApiUser.Json(await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { hidePresence = true }));
        Assert.True(changed.GetProperty("hidePresence").GetBoolean());
        Assert.Equal(writes + 1, nodes.InboxWrites);

        var hidden = await Presence(alicesApi, bob);
        Assert.False(hidden.GetProperty("online").GetBoolean());
        Assert.False(hidden.TryGetProperty("lastSeen", out _));
        Assert.True(hidden.GetProperty("hidden").GetBoolean());
        Assert.True((await Presence(bobsApi, bob)).GetProperty("online").GetBoolean());

        // A settings body without the setting changes nothing.
        await ApiUser.AssertProblem(await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { }), HttpStatusCode.BadRequest, "invalid");
        Assert.True((await ApiUser.Json(await bobsApi.Http.GetAsync("api/me/settings"))).GetProperty("hidePresence").GetBoolean());

        await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { hidePresence = false });
        Assert.True((await Presence(alicesApi, bob)).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Connecting_disconnecting_typing_and_asking_presence_write_nothing()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        var group = await alicesApi.CreateGroup(bob);
        // Both inboxes have taken the join in their turn (and checkpointed it: one event per checkpoint here).
        foreach (var user in new[] { alicesApi, bobsApi })
            await Eventually.True(async () => (await user.Http.GetStringAsync("api/conversations")).Contains(group, StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the group in the list");
        await using var alicesPhone = await TypingDevice.Connect(nodes.Node, alice);
        var writes = nodes.InboxWrites;

        for (var i = 0; i < 3; i++)
        {
            await using var phone = await TypingDevice.Connect(nodes.Node, bob);
            await using var laptop = await TypingDevice.Connect(nodes.Edge, bob);
            Assert.True((await Presence(alicesApi, bob)).GetProperty("online").GetBoolean());
            Assert.True(await phone.Typing(group));
            Assert.Equal(group, (await alicesPhone.Next()).ConversationId);
        }
        await Eventually.True(async () => !(await Presence(alicesApi, bob)).GetProperty("online").GetBoolean(), TimeSpan.FromSeconds(60), "bob to go offline");

        Assert.Equal(writes, nodes.InboxWrites);
    }

    [Fact]
    public async Task Asking_the_presence_of_user_ids_nobody_uses_writes_nothing_and_such_a_user_still_syncs_from_a_stable_cursor()
    {
        var (mallory, trent) = (Ids.User("mallory"), Ids.User("trent"));
        using var mallorysApi = await ApiUser.SignIn(nodes.Edge, mallory);
        await mallorysApi.CreateGroup(trent);
        await Eventually.True(async () => (await mallorysApi.Http.GetAsync($"api/users/{trent}/presence")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "mallory and trent to share a group");
        var writes = nodes.InboxWrites;

        // Each id activates an inbox that has never been used: it answers without writing a row.
        var strangers = Enumerable.Range(0, 5).Select(_ => Ids.User("stranger")).ToList();
        foreach (var stranger in strangers)
            await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync($"api/users/{stranger}/presence"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(writes, nodes.InboxWrites);

        // One of them signs in: settings are a presence read too, the first sync writes the epoch,
        // and the cursor it hands out holds (no reset on the next pull).
        using var strangersApi = await ApiUser.SignIn(nodes.Node, strangers[0]);
        Assert.False((await ApiUser.Json(await strangersApi.Http.GetAsync("api/me/settings"))).GetProperty("hidePresence").GetBoolean());
        Assert.Equal(writes, nodes.InboxWrites);
        var first = await ApiUser.Json(await strangersApi.Http.GetAsync("api/sync"));
        Assert.True(first.GetProperty("reset").GetBoolean());
        Assert.Equal(writes + 1, nodes.InboxWrites);
        var next = await ApiUser.Json(await strangersApi.Http.GetAsync($"api/sync?cursor={Uri.EscapeDataString(first.GetProperty("cursor").GetString()!)}"));
        Assert.False(next.GetProperty("reset").GetBoolean());
    }

    private IInboxGrain Inbox(string userId) => nodes.Node.Services.GetRequiredService<IGrainFactory>().GetGrain<IInboxGrain>(userId);

    private static async Task<JsonElement> Presence(ApiUser viewer, string userId)
    {
        var response = await viewer.Http.GetAsync($"api/users/{userId}/presence");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiUser.Json(response);
    }
}
