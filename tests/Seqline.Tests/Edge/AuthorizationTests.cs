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
            ["bad signature"] = Forge(alice.Id, "some-other-key", DateTime.UtcNow.AddHours(1)),
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
    public async Task Another_users_conversation_and_cursor_are_403_and_change_nothing()
    {
        using var alice = await SignIn(Server, Ids.User("alice"));
        using var mallory = await SignIn(Server, Ids.User("mallory"));
        var bob = Ids.User("bob");
        var id = await alice.CreateGroup(bob);
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "private")).StatusCode);
        var aliceCursor = (await Json(await alice.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString();

        await AssertProblem(await mallory.Send(id, "let me in"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.GetAsync($"api/conversations/{id}/messages"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.GetAsync($"api/conversations/{id}/messages?after=0"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { add = new[] { mallory.Id } }), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { remove = new[] { alice.Id } }), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.PostAsJsonAsync($"api/conversations/{id}/read", new { seq = 1 }), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.GetAsync($"api/sync?cursor={aliceCursor}"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await mallory.Http.GetAsync($"api/conversations/c-{Guid.NewGuid():N}/messages"), HttpStatusCode.NotFound, "not_found");

        Assert.Equal([1L], await alice.HistorySeqs(id));
        var view = await Json(await alice.Http.PostAsJsonAsync($"api/conversations/{id}/members", new { add = Array.Empty<string>() }));
        Assert.Equal(new[] { alice.Id, bob }.Order(StringComparer.Ordinal), view.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        var malloryList = await Json(await mallory.Http.GetAsync("api/conversations"));
        Assert.Equal(0, malloryList.GetArrayLength());
    }

    [Fact]
    public async Task The_hub_refuses_connections_without_a_valid_token()
    {
        using var http = Server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Forge("alice", "wrong-key", DateTime.UtcNow.AddHours(1)));
        var negotiate = await http.PostAsync("hubs/sync/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }
}
