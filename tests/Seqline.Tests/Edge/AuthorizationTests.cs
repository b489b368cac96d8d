using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

[Collection(SeqlineNodeCollection.Name)]
public sealed class AuthorizationTests(SeqlineNodeFixture node)
{
    private SeqlineServer Server => node.Server;

    private static string Forge(string userId, string key, DateTime expires) => TestTokens.Sign(userId, key, expires);

    [Fact]
    public async Task Calls_without_a_valid_token_are_401_and_change_nothing()
    {
        using var alice = await SignIn(Server, Ids.User("alice"));
        var id = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "one")).StatusCode);

        var tokens = new Dictionary<string, string?>
        {
            ["none"] = null,
            ["garbage"] = "not.a.jwt",
            ["bad signature"] = Forge(alice.Id, "some-other-key-of-at-least-32-bytes", DateTime.UtcNow.AddHours(1)),
            ["expired"] = Forge(alice.Id, SeqlineServer.SigningKey, DateTime.UtcNow.AddMinutes(-10)),
            ["invalid user id"] = Forge("not a valid id", SeqlineServer.SigningKey, DateTime.UtcNow.AddHours(1)),
        };
        foreach (var (name, token) in tokens)
        {
            using var http = Server.Http(token);
            var responses = new[]
            {
                await http.PostAsJsonAsync($"api/conversations/{id}/messages", new { clientMsgId = "x", body = "sneaky" }),
                await http.GetAsync($"api/conversations/{id}/messages"),
                await http.GetAsync("api/conversations"),
                await http.GetAsync("api/sync"),
                await http.PostAsJsonAsync("api/conversations", new { members = new[] { "bob" } }),
            };
            Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {r.RequestMessage!.RequestUri} gave {r.StatusCode}"));
            foreach (var response in responses) await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        }

        Assert.Equal([1L], await alice.HistorySeqs(id));
    }

    [Fact]
    public async Task Another_users_conversation_is_404_and_their_cursor_403_and_nothing_changes()
    {
        using var alice = await SignIn(Server, Ids.User("alice"));
        using var mallory = await SignIn(Server, Ids.User("mallory"));
        var bob = Ids.User("bob");
        var id = await alice.CreateGroup(bob);
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "private")).StatusCode);
        var aliceCursor = (await Json(await alice.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString();

        await AssertProblem(await mallory.Send(id, "let me in"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.GetAsync($"api/conversations/{id}/messages"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.GetAsync($"api/conversations/{id}/messages?after=0"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { add = new[] { mallory.Id } }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { remove = new[] { alice.Id } }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.PostAsJsonAsync($"api/conversations/{id}/read", new { seq = 1 }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.GetAsync($"api/sync?cursor={aliceCursor}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.GetAsync($"api/conversations/c-{Guid.NewGuid():N}/messages"), HttpStatusCode.NotFound, "not_found");

        Assert.Equal([1L], await alice.HistorySeqs(id));
        var view = await Json(await alice.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { add = Array.Empty<string>() }));
        Assert.Equal(new[] { alice.Id, bob }.Order(StringComparer.Ordinal), view.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        var malloryList = await Json(await mallory.Http.GetAsync("api/conversations"));
        Assert.Equal(0, malloryList.GetArrayLength());
    }

    /// <summary>
    /// A direct conversation's id follows from the pair, so anyone can compute it. Asked about it, a
    /// non-member gets exactly the answer they get for a pair that never talked: nothing tells them
    /// whether the two users have a conversation. A member breaking a rule still gets 403.
    /// </summary>
    [Fact]
    public async Task A_non_member_cannot_tell_whether_two_users_have_a_direct_conversation()
    {
        using var alice = await SignIn(Server, Ids.User("alice"));
        using var bob = await SignIn(Server, Ids.User("bob"));
        using var mallory = await SignIn(Server, Ids.User("mallory"));
        var created = await alice.Http.PostAsJsonAsync("api/conversations", new { members = new[] { bob.Id }, kind = "direct" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var talking = Seqline.Conversations.DirectConversation.IdFor(alice.Id, bob.Id);
        Assert.Equal(talking, (await Json(created)).GetProperty("conversationId").GetString());
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(talking, "just us")).StatusCode);
        var silent = Seqline.Conversations.DirectConversation.IdFor(Ids.User("carol"), Ids.User("dave"));

        var calls = new (string What, Func<string, Task<HttpResponseMessage>> Call)[]
        {
            ("history", id => mallory.Http.GetAsync($"api/conversations/{id}/messages")),
            ("history after", id => mallory.Http.GetAsync($"api/conversations/{id}/messages?after=0&limit=10")),
            ("send", id => mallory.Send(id, "hello?", "probe")),
            ("members", id => mallory.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { add = new[] { mallory.Id } })),
            ("recall", id => mallory.Http.PostAsync($"api/conversations/{id}/messages/1/recall", null)),
            ("read", id => mallory.Http.PostAsJsonAsync($"api/conversations/{id}/read", new { seq = 1 })),
            ("hide", id => mallory.Http.PostAsJsonAsync($"api/conversations/{id}/hide", new { seq = 1 })),
            ("clear", id => mallory.Http.PostAsJsonAsync($"api/conversations/{id}/clear", new { seq = 1 })),
        };
        foreach (var (what, call) in calls)
        {
            var (existing, none) = (await call(talking), await call(silent));
            await AssertProblem(existing, HttpStatusCode.NotFound, "not_found");
            Assert.True(await Comparable(existing, talking) == await Comparable(none, silent), $"{what}: {await existing.Content.ReadAsStringAsync()} vs {await none.Content.ReadAsStringAsync()}");
        }

        await using (var hub = await TestHub.Connect(Server, mallory.Token))
        {
            foreach (var (method, args) in new (string, Func<string, object?[]>)[]
                     {
                         ("SendMessage", id => [id, "probe", "hello?"]),
                         ("MarkRead", id => [id, 1L]),
                         ("Recall", id => [id, 1L]),
                     })
            {
                var existing = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeCoreAsync(method, typeof(object), args(talking)));
                var none = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeCoreAsync(method, typeof(object), args(silent)));
                Assert.Contains("HubException: not_found: ", existing.Message, StringComparison.Ordinal);
                Assert.Equal(none.Message.Replace(silent, "{id}", StringComparison.Ordinal), existing.Message.Replace(talking, "{id}", StringComparison.Ordinal));
            }
        }

        // Nothing reached the pair, and a member breaking a rule (recalling another's message) is still refused as such.
        Assert.Equal([1L], await bob.HistorySeqs(talking));
        await AssertProblem(await bob.Http.PostAsync($"api/conversations/{talking}/messages/1/recall", null), HttpStatusCode.Forbidden, "forbidden");
    }

    // A problem without what differs per request anyway (the trace id) and with the id it names made generic.
    private static async Task<string> Comparable(HttpResponseMessage response, string id)
    {
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {problem.ToJsonString().Replace(id, "{id}", StringComparison.Ordinal)}";
    }

    [Fact]
    public async Task The_hub_refuses_connections_without_a_valid_token()
    {
        using var http = Server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Forge("alice", "a-wrong-key-of-at-least-32-bytes!", DateTime.UtcNow.AddHours(1)));
        var negotiate = await http.PostAsync("hubs/sync/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }
}
