using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>
/// Group roles over real HTTP and the hub: reading a conversation's roles, giving roles, handing
/// ownership over, renaming, leaving; every member gets the role and title events by push and by
/// sync; and every request the rules refuse is 403 <c>forbidden</c> with the conversation unchanged.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class GroupRoleApiTests(SeqlineNodeFixture node) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private ApiUser _ann = null!, _bob = null!, _cat = null!, _dan = null!;
    private string _id = null!;

    // ann owns a group with bob, cat and dan.
    public async Task InitializeAsync()
    {
        (_ann, _bob, _cat, _dan) = (await SignIn(node.Server, Ids.User("ann")), await SignIn(node.Server, Ids.User("bob")),
            await SignIn(node.Server, Ids.User("cat")), await SignIn(node.Server, Ids.User("dan")));
        _id = await _ann.CreateGroup(_bob.Id, _cat.Id, _dan.Id);
    }

    public Task DisposeAsync()
    {
        foreach (var user in new[] { _ann, _bob, _cat, _dan }) user.Dispose();
        return Task.CompletedTask;
    }

    private static Task<HttpResponseMessage> SetRole(ApiUser actor, string id, string user, string role) =>
        actor.Http.PutAsJsonAsync($"api/conversations/{id}/members/{user}/role", new { role });

    private static Task<HttpResponseMessage> SetTitle(ApiUser actor, string id, string? title) =>
        actor.Http.PutAsJsonAsync($"api/conversations/{id}/title", new { title });

    private static Task<HttpResponseMessage> ChangeMembers(ApiUser actor, string id, string[] add, string[] remove) =>
        actor.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { add, remove });

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    // The conversation as its members see it, and its history: what a refusal must leave alone.
    private async Task<string> Snapshot()
    {
        var view = await Ok(await _ann.Http.GetAsync($"api/conversations/{_id}"));
        var history = await Ok(await _ann.Http.GetAsync($"api/conversations/{_id}/messages?limit=1000"));
        return view.ToString() + history.ToString();
    }

    [Fact]
    public async Task A_member_reads_the_owner_and_admins_and_a_promotion_reaches_everyone_by_push_sync_and_history()
    {
        var created = await Ok(await _bob.Http.GetAsync($"api/conversations/{_id}"));
        Assert.Equal(_ann.Id, created.GetProperty("owner").GetString());
        Assert.Empty(Strings(created.GetProperty("admins")));

        var cursor = (await Json(await _cat.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        await using var hub = await TestHub.Connect(node.Server, _cat.Token);
        var pushed = TestHub.RecordEvents(hub);
        await PushWaits.Subscribed(node.Server, _cat.Id);

        var view = await Ok(await SetRole(_ann, _id, _bob.Id, "admin"));
        Assert.Equal([_bob.Id], Strings(view.GetProperty("admins")));

        static bool IsPromotion(JsonElement e, string id, string ann, string bob) => e.GetProperty("type").GetString() == "role"
            && e.GetProperty("conversationId").GetString() == id && e.GetProperty("seq").GetInt64() == 1
            && e.GetProperty("senderId").GetString() == ann && e.GetProperty("userId").GetString() == bob && e.GetProperty("role").GetString() == "admin";
        await Eventually.True(() => pushed.Any(e => IsPromotion(e, _id, _ann.Id, _bob.Id)), Within, "cat's hub connection to be pushed the role event");
        await Eventually.True(async () => (await Json(await _cat.Http.GetAsync($"api/sync?cursor={cursor}")))
            .GetProperty("events").EnumerateArray().Any(e => IsPromotion(e, _id, _ann.Id, _bob.Id)), Within, "cat's sync to hold the role event");
        var notice = Assert.Single((await Ok(await _dan.Http.GetAsync($"api/conversations/{_id}/messages"))).GetProperty("messages").EnumerateArray());
        Assert.Equal(("role", _bob.Id, "admin"), (notice.GetProperty("type").GetString(), notice.GetProperty("userId").GetString(), notice.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Every_request_the_rules_refuse_is_forbidden_and_changes_nothing()
    {
        await Ok(await SetRole(_ann, _id, _bob.Id, "admin"));
        await Ok(await SetRole(_ann, _id, _cat.Id, "admin"));
        var before = await Snapshot();
        var zoe = Ids.User("zoe");

        async Task Forbidden(Task<HttpResponseMessage> request, string what)
        {
            var response = await request;
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {response.StatusCode}");
            await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(before, await Snapshot());
        }
        await Forbidden(ChangeMembers(_dan, _id, [zoe], []), "a member adds");
        await Forbidden(ChangeMembers(_dan, _id, [], [_cat.Id]), "a member removes another");
        await Forbidden(SetTitle(_dan, _id, "mine"), "a member renames");
        await Forbidden(SetRole(_dan, _id, _dan.Id, "admin"), "a member promotes themselves");
        await Forbidden(ChangeMembers(_bob, _id, [], [_ann.Id]), "an admin removes the owner");
        await Forbidden(ChangeMembers(_bob, _id, [], [_cat.Id]), "an admin removes an admin");
        await Forbidden(SetRole(_bob, _id, _dan.Id, "admin"), "an admin promotes");
        await Forbidden(SetRole(_bob, _id, _cat.Id, "member"), "an admin demotes");
        await Forbidden(SetRole(_bob, _id, _bob.Id, "owner"), "an admin takes ownership");
        await Forbidden(SetRole(_ann, _id, _ann.Id, "member"), "the owner demotes themselves");

        var direct = await Json(await _ann.Http.PostAsJsonAsync("api/conversations", new { members = new[] { _bob.Id }, kind = "direct" }));
        var directId = direct.GetProperty("conversationId").GetString()!;
        await AssertProblem(await SetRole(_ann, directId, _bob.Id, "admin"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await SetTitle(_ann, directId, "us"), HttpStatusCode.Forbidden, "forbidden");

        // Not refusals of a rule: a bad role, a bad id, a user outside the group, a caller outside it.
        await AssertProblem(await SetRole(_ann, _id, _dan.Id, "boss"), HttpStatusCode.BadRequest, "invalid");
        await AssertProblem(await SetRole(_ann, _id, "no%20spaces", "admin"), HttpStatusCode.BadRequest, "invalid");
        await AssertProblem(await SetRole(_ann, _id, zoe, "admin"), HttpStatusCode.NotFound, "not_found");
        using var outsider = await SignIn(node.Server, zoe);
        await AssertProblem(await SetTitle(outsider, _id, "mine"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await outsider.Http.GetAsync($"api/conversations/{_id}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task An_admin_renames_and_manages_members_the_owner_hands_over_and_leaving_passes_ownership_on()
    {
        var eve = Ids.User("eve");
        await Ok(await SetRole(_ann, _id, _bob.Id, "admin"));
        var renamed = await Ok(await SetTitle(_bob, _id, "renamed"));
        Assert.Equal("renamed", renamed.GetProperty("title").GetString());
        await Ok(await ChangeMembers(_bob, _id, [eve], [_dan.Id]));
        await Eventually.True(async () => (await Json(await _cat.Http.GetAsync("api/conversations"))).EnumerateArray()
            .Any(r => r.GetProperty("conversationId").GetString() == _id && r.GetProperty("title").GetString() == "renamed"), Within, "cat's list to show the new title");

        var handedOver = await Ok(await SetRole(_ann, _id, _cat.Id, "owner"));
        Assert.Equal(_cat.Id, handedOver.GetProperty("owner").GetString());
        Assert.Equal(new[] { _ann.Id, _bob.Id }.Order(StringComparer.Ordinal), Strings(handedOver.GetProperty("admins")));

        // The owner leaves: of the admins ann and bob, founders both, the lower id inherits.
        var left = await Ok(await ChangeMembers(_cat, _id, [], [_cat.Id]));
        Assert.Equal(new[] { _ann.Id, _bob.Id }.Min(StringComparer.Ordinal), left.GetProperty("owner").GetString());
        var history = (await Ok(await _bob.Http.GetAsync($"api/conversations/{_id}/messages"))).GetProperty("messages").EnumerateArray()
            .Select(m => $"{m.GetProperty("type").GetString()} {(m.TryGetProperty("userId", out var u) ? u.GetString() : m.GetProperty("title").GetString())}").ToList();
        Assert.Equal([$"role {_bob.Id}", "title renamed", $"role {_cat.Id}", $"role {_ann.Id}", $"role {left.GetProperty("owner").GetString()}"], history);
    }
}
