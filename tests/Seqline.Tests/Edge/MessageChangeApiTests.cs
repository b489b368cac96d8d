using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>
/// Edits and reactions over HTTP and the hub, on Kestrel: the answers, the events every member's
/// devices get by push and by sync, history's latest version, and each refusal with its code and
/// nothing changed.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class MessageChangeApiTests(SeqlineNodeFixture node)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static string Reactions(JsonElement message) => message.TryGetProperty("reactions", out var list)
        ? string.Join(" ", list.EnumerateArray().Select(r => $"{r.GetProperty("emoji").GetString()}{r.GetProperty("count").GetInt32()}[{string.Join(",", r.GetProperty("users").EnumerateArray().Select(u => u.GetString()))}]"))
        : "";

    // A message in history has no type; an event of one has "message".
    private static string Describe(JsonElement e) => (e.TryGetProperty("type", out var t) ? t.GetString() : "message") switch
    {
        "edited" => $"edited@{e.GetProperty("seq").GetInt64()}:{e.GetProperty("targetSeq").GetInt64()}={e.GetProperty("body").GetString()}",
        "reaction" => $"reaction@{e.GetProperty("seq").GetInt64()}:{e.GetProperty("targetSeq").GetInt64()}" +
                      $"{(e.TryGetProperty("removed", out var removed) && removed.GetBoolean() ? "-" : "+")}{e.GetProperty("emoji").GetString()} by {e.GetProperty("senderId").GetString()}",
        var type => $"{type}@{e.GetProperty("seq").GetInt64()}",
    };

    private static async Task<List<JsonElement>> History(ApiUser user, string id) =>
        (await Json(await user.Http.GetAsync($"api/conversations/{id}/messages"))).GetProperty("messages").EnumerateArray().ToList();

    [Fact]
    public async Task Edits_and_reactions_over_http_reach_every_device_and_history_shows_the_latest_version()
    {
        using var ann = await SignIn(node.Server, Ids.User("ann"));
        using var bob = await SignIn(node.Server, Ids.User("bob"));
        var id = await ann.CreateGroup(bob.Id);
        Assert.Equal(HttpStatusCode.Created, (await ann.Send(id, "helo")).StatusCode);
        var cursor = (await Json(await bob.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        await using var bobsHub = await TestHub.Connect(node.Server, bob.Token);
        var pushed = TestHub.RecordEvents(bobsHub);
        await PushWaits.Subscribed(node.Server, bob.Id);

        var edited = await Json(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "hello" }));
        Assert.Equal(("hello", 1L), (edited.GetProperty("body").GetString(), edited.GetProperty("seq").GetInt64()));
        Assert.True(edited.TryGetProperty("editedAt", out _));
        var thumbs = Uri.EscapeDataString("👍");
        var reacted = await Json(await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}", null));
        Assert.Equal($"👍1[{bob.Id}]", Reactions(reacted));
        Assert.Equal($"👍2[{bob.Id},{ann.Id}]", Reactions(await Json(await ann.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}", null))));
        Assert.Equal($"👍1[{ann.Id}]", Reactions(await Json(await bob.Http.DeleteAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}"))));
        // Idempotent: again is 200 with the message as it is, and no event.
        Assert.Equal($"👍1[{ann.Id}]", Reactions(await Json(await bob.Http.DeleteAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}"))));
        Assert.Equal($"👍1[{ann.Id}]", Reactions(await Json(await ann.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}", null))));
        Assert.Equal("hello", (await Json(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "hello" }))).GetProperty("body").GetString());

        string[] expected = ["edited@2:1=hello", $"reaction@3:1+👍 by {bob.Id}", $"reaction@4:1+👍 by {ann.Id}", $"reaction@5:1-👍 by {bob.Id}"];
        bool Changes(IEnumerable<JsonElement> events) =>
            events.Where(e => e.GetProperty("conversationId").GetString() == id && e.GetProperty("type").GetString() is "edited" or "reaction").Select(Describe).SequenceEqual(expected);
        await Eventually.True(() => Changes(pushed), Within, "bob's connection to be pushed the four changes");
        await Eventually.True(async () => Changes((await Json(await bob.Http.GetAsync($"api/sync?cursor={Uri.EscapeDataString(cursor)}"))).GetProperty("events").EnumerateArray()),
            Within, "bob's sync to hold the four changes");

        var history = await History(bob, id);
        Assert.Equal(["message@1", .. expected], history.Select(Describe));
        Assert.Equal(("hello", $"👍1[{ann.Id}]"), (history[0].GetProperty("body").GetString(), Reactions(history[0])));
        Assert.True(history[0].TryGetProperty("editedAt", out _));
        // Changes are no news: bob's unread is ann's message only.
        var row = (await Json(await bob.Http.GetAsync("api/conversations"))).EnumerateArray().Single(c => c.GetProperty("conversationId").GetString() == id);
        Assert.Equal((5L, 1L), (row.GetProperty("lastSeq").GetInt64(), row.GetProperty("unread").GetInt64()));
    }

    [Fact]
    public async Task Each_refusal_over_http_has_its_status_and_code_and_changes_nothing()
    {
        using var ann = await SignIn(node.Server, Ids.User("ann"));
        using var bob = await SignIn(node.Server, Ids.User("bob"));
        using var mallory = await SignIn(node.Server, Ids.User("mallory"));
        var id = await ann.CreateGroup(bob.Id);
        Assert.Equal(HttpStatusCode.Created, (await ann.Send(id, "keep")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ann.Send(id, "recalled")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ann.Http.PostAsync($"api/conversations/{id}/messages/2/recall", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ann.Http.PutAsJsonAsync($"api/conversations/{id}/title", new { title = "t" })).StatusCode);
        var before = (await History(ann, id)).Select(m => m.GetRawText()).ToList();
        var thumbs = Uri.EscapeDataString("👍");

        await AssertProblem(await bob.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "mine" }), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/3", new { body = "a notice" }), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await bob.Http.PutAsync($"api/conversations/{id}/messages/3/reactions/{thumbs}", null), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/2", new { body = "back" }), HttpStatusCode.Conflict, "conflict");
        await AssertProblem(await bob.Http.PutAsync($"api/conversations/{id}/messages/2/reactions/{thumbs}", null), HttpStatusCode.Conflict, "conflict");
        await AssertProblem(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/9", new { body = "x" }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await bob.Http.DeleteAsync($"api/conversations/{id}/messages/9/reactions/{thumbs}"), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}", null), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "x" }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { }), HttpStatusCode.BadRequest, "invalid");
        await AssertProblem(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "" }), HttpStatusCode.BadRequest, "invalid");
        await AssertProblem(await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = new string('x', 16 * 1024 + 1) }),
            HttpStatusCode.RequestEntityTooLarge, "too_large");
        await AssertProblem(await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{Uri.EscapeDataString("👍👍")}", null), HttpStatusCode.BadRequest, "invalid");
        await AssertProblem(await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/%0A", null), HttpStatusCode.BadRequest, "invalid");
        await AssertProblem(await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/yes", null), HttpStatusCode.BadRequest, "invalid");
        Assert.Equal(before, (await History(ann, id)).Select(m => m.GetRawText()));

        // bob gives the most reactions a member may give one message: one more is too many.
        foreach (var emoji in new[] { "😀", "🎉", "🙂" })
            Assert.Equal(HttpStatusCode.OK, (await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{Uri.EscapeDataString(emoji)}", null)).StatusCode);
        var full = (await History(ann, id)).Select(m => m.GetRawText()).ToList();
        await AssertProblem(await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{thumbs}", null), HttpStatusCode.RequestEntityTooLarge, "too_large");

        Assert.Equal(full, (await History(ann, id)).Select(m => m.GetRawText()));
    }

    [Fact]
    public async Task The_hub_edits_and_reacts_like_http_and_refuses_with_the_same_codes()
    {
        using var ann = await SignIn(node.Server, Ids.User("ann"));
        using var bob = await SignIn(node.Server, Ids.User("bob"));
        var id = await ann.CreateGroup(bob.Id);
        Assert.Equal(HttpStatusCode.Created, (await ann.Send(id, "helo")).StatusCode);
        await using var annsHub = await TestHub.Connect(node.Server, ann.Token);
        await using var bobsHub = await TestHub.Connect(node.Server, bob.Token);
        var pushed = TestHub.RecordEvents(annsHub);
        await PushWaits.Subscribed(node.Server, ann.Id);

        var edited = await annsHub.InvokeAsync<JsonElement>("EditMessage", id, 1L, "hello");
        Assert.Equal("hello", edited.GetProperty("body").GetString());
        Assert.Equal($"🎉1[{bob.Id}]", Reactions(await bobsHub.InvokeAsync<JsonElement>("AddReaction", id, 1L, "🎉")));
        Assert.Equal("", Reactions(await bobsHub.InvokeAsync<JsonElement>("RemoveReaction", id, 1L, "🎉")));

        await TestHub.AssertRefused(() => bobsHub.InvokeAsync<JsonElement>("EditMessage", id, 1L, "mine"), "forbidden", "someone else's message");
        await TestHub.AssertRefused(() => annsHub.InvokeAsync<JsonElement>("EditMessage", id, 1L, null), "invalid", "no body");
        await TestHub.AssertRefused(() => bobsHub.InvokeAsync<JsonElement>("AddReaction", id, 7L, "🎉"), "not_found", "no such message");
        await TestHub.AssertRefused(() => bobsHub.InvokeAsync<JsonElement>("AddReaction", id, 1L, "no"), "invalid", "not an emoji");
        await TestHub.AssertRefused(() => bobsHub.InvokeAsync<JsonElement>("RemoveReaction", $"g-{Guid.NewGuid():N}", 1L, "🎉"), "not_found", "unknown conversation");

        string[] expected = ["edited@2:1=hello", $"reaction@3:1+🎉 by {bob.Id}", $"reaction@4:1-🎉 by {bob.Id}"];
        await Eventually.True(() => pushed.Where(e => e.GetProperty("type").GetString() is "edited" or "reaction").Select(Describe).SequenceEqual(expected),
            Within, "ann's connection to be pushed the three changes");
        Assert.Equal(4, (await History(ann, id)).Count);
    }
}
