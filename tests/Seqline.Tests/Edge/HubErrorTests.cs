using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>Refusals through the hub carry the codes of docs/api.md, as their HTTP twins do, and change nothing.</summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class HubErrorTests(SeqlineNodeFixture node)
{
    [Fact]
    public async Task Each_refused_hub_call_carries_its_code_and_changes_nothing()
    {
        using var alice = await SignIn(node.Server, Ids.User("alice"));
        using var mallory = await SignIn(node.Server, Ids.User("mallory"));
        var id = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "one")).StatusCode);
        var cursor = (await Json(await alice.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "two")).StatusCode);
        await alice.WaitForInbox(cursor, id, 2);
        var before = await Seen(alice, mallory, cursor);
        await using var aliceHub = await TestHub.Connect(node.Server, alice.Token);
        await using var malloryHub = await TestHub.Connect(node.Server, mallory.Token);
        var unknown = $"g-{Guid.NewGuid():N}";

        var cases = new (string What, Func<Task> Call, string Code)[]
        {
            ("send to a bad conversation id", () => aliceHub.InvokeAsync<object>("SendMessage", "bad id", "m1", "x"), "invalid"),
            ("send without a conversation id", () => aliceHub.InvokeAsync<object>("SendMessage", null, "m1", "x"), "invalid"),
            ("clientMsgId with bad characters", () => aliceHub.InvokeAsync<object>("SendMessage", id, "a.b", "x"), "invalid"),
            ("clientMsgId too long", () => aliceHub.InvokeAsync<object>("SendMessage", id, new string('a', 65), "x"), "invalid"),
            ("empty body", () => aliceHub.InvokeAsync<object>("SendMessage", id, "m2", ""), "invalid"),
            ("no body", () => aliceHub.InvokeAsync<object>("SendMessage", id, "m3", null), "invalid"),
            ("body over 16 KiB", () => aliceHub.InvokeAsync<object>("SendMessage", id, "m4", new string('x', 16 * 1024 + 1)), "too_large"),
            ("send to an unknown conversation", () => aliceHub.InvokeAsync<object>("SendMessage", unknown, "m5", "x"), "not_found"),
            ("sync limit 0", () => aliceHub.InvokeAsync<object>("Sync", cursor, 0), "invalid"),
            ("sync limit 1001", () => aliceHub.InvokeAsync<object>("Sync", cursor, 1001), "invalid"),
            ("read a bad conversation id", () => aliceHub.InvokeAsync<object>("MarkRead", "bad id", 1), "invalid"),
            ("negative read seq", () => aliceHub.InvokeAsync<object>("MarkRead", id, -1), "invalid"),
            ("recall a message that is not there", () => aliceHub.InvokeAsync<object>("Recall", id, 99), "not_found"),
            ("send with an argument missing", () => aliceHub.InvokeAsync<object>("SendMessage", id, "m7"), "invalid"),
            ("send with an argument too many", () => aliceHub.InvokeAsync<object>("SendMessage", id, "m8", "x", "y"), "invalid"),
            ("send with a number for a body", () => aliceHub.InvokeAsync<object>("SendMessage", id, "m9", 42), "invalid"),
            ("sync with a word for a limit", () => aliceHub.InvokeAsync<object>("Sync", cursor, "ten"), "invalid"),
            ("read with an object for a seq", () => aliceHub.InvokeAsync<object>("MarkRead", id, new { seq = 1 }), "invalid"),
            ("a method the hub does not have", () => aliceHub.InvokeAsync<object>("DeleteEverything", id), "invalid"),
            // A conversation the caller is not in answers as one that does not exist.
            ("send to another's conversation", () => malloryHub.InvokeAsync<object>("SendMessage", id, "m6", "let me in"), "not_found"),
            ("read another's conversation", () => malloryHub.InvokeAsync<object>("MarkRead", id, 2), "not_found"),
            ("recall in another's conversation", () => malloryHub.InvokeAsync<object>("Recall", id, 1), "not_found"),
            ("sync from another's cursor", () => malloryHub.InvokeAsync<object>("Sync", cursor, 10), "forbidden"),
        };
        foreach (var (what, call, code) in cases) await TestHub.AssertRefused(call, code, what);

        Assert.Equal(before, await Seen(alice, mallory, cursor));
        Assert.Equal([1L, 2L], await alice.HistorySeqs(id));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync($"api/conversations/{unknown}/messages")).StatusCode);
        // The connections survive their refusals.
        var receipt = await aliceHub.InvokeAsync<SendReceiptBody>("SendMessage", id, "after", "still here");
        Assert.Equal(3, receipt.Seq);
    }

    // Alice's inbox read from a known cursor (events, read positions, cursor), her list, and Mallory's list.
    private static async Task<(string Sync, string Conversations, string Mallory)> Seen(ApiUser alice, ApiUser mallory, string cursor) =>
        (await alice.Http.GetStringAsync($"api/sync?cursor={cursor}"),
         await alice.Http.GetStringAsync("api/conversations"),
         await mallory.Http.GetStringAsync("api/conversations"));

    private sealed record SendReceiptBody(long Seq, bool Duplicate);
}
