using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Fanout;

/// <summary>
/// Edits and reactions in a read-fan-out group: their notices stay in the conversation's timeline
/// with its messages and reach every member by sync and push; the message a sync reads there is
/// already the latest version; a reaction leaves its author's read position alone; and in the
/// lists changes are neither unread nor the preview.
/// </summary>
public sealed class ReadFanoutChangeTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();
    private SeqlineServer _server = null!;

    public async Task InitializeAsync() => _server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
    {
        ["Seqline:Fanout:ReadFanoutAbove"] = "2",
        ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    // A message in history has no type; an event of one has "message".
    private static string Describe(JsonElement e) => (e.TryGetProperty("type", out var t) ? t.GetString() : "message") switch
    {
        "edited" => $"edited@{e.GetProperty("seq").GetInt64()}:{e.GetProperty("targetSeq").GetInt64()}={e.GetProperty("body").GetString()}",
        "reaction" => $"reaction@{e.GetProperty("seq").GetInt64()}:{e.GetProperty("targetSeq").GetInt64()}{e.GetProperty("emoji").GetString()}",
        var type => $"{type}@{e.GetProperty("seq").GetInt64()}",
    };

    [Fact]
    public async Task Edits_and_reactions_reach_every_member_by_sync_and_push_and_sync_reads_the_latest_version()
    {
        using var ann = await SignIn(_server, Ids.User("ann"));
        using var bob = await SignIn(_server, Ids.User("bob"));
        using var cat = await SignIn(_server, Ids.User("cat"));
        var id = await ann.CreateGroup(bob.Id, cat.Id);
        Assert.Equal("read", (await Json(await ann.Http.GetAsync($"api/conversations/{id}"))).GetProperty("fanout").GetString());
        var cursor = (await Json(await bob.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        await using var hub = await TestHub.Connect(_server, cat.Token);
        var pushed = TestHub.RecordEvents(hub);
        await PushWaits.Subscribed(_server, cat.Id);

        Assert.Equal(HttpStatusCode.Created, (await ann.Send(id, "helo")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ann.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{Uri.EscapeDataString("🎉")}", null)).StatusCode);

        string[] expected = ["message@1", "edited@2:1=hello", "reaction@3:1🎉"];
        bool Mine(JsonElement e) => e.GetProperty("conversationId").GetString() == id && e.GetProperty("type").GetString() is "message" or "edited" or "reaction" or "read";
        await Eventually.True(() => pushed.Where(Mine).Select(Describe).SequenceEqual(expected), Within, "cat's connection to be pushed the message and both changes");
        List<JsonElement> synced = [];
        await Eventually.True(async () =>
        {
            synced = (await Json(await bob.Http.GetAsync($"api/sync?cursor={Uri.EscapeDataString(cursor)}"))).GetProperty("events").EnumerateArray().Where(Mine).ToList();
            return synced.Select(Describe).SequenceEqual(expected);
        }, Within, "bob's sync to hold the message and both changes, and no read event for his reaction");
        // Read from the conversation's timeline after the changes, the message is already their result.
        Assert.Equal("hello", synced[0].GetProperty("body").GetString());
        Assert.Equal("🎉", synced[0].GetProperty("reactions")[0].GetProperty("emoji").GetString());

        var history = (await Json(await cat.Http.GetAsync($"api/conversations/{id}/messages"))).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(expected, history.Select(Describe));
        Assert.Equal(("hello", 1), (history[0].GetProperty("body").GetString(), history[0].GetProperty("reactions")[0].GetProperty("count").GetInt32()));

        // In the lists the two changes are no news: one unread message, previewed as edited.
        var catsRow = (await Json(await cat.Http.GetAsync("api/conversations"))).EnumerateArray().Single(r => r.GetProperty("conversationId").GetString() == id);
        Assert.Equal((3L, 0L, 1L), (catsRow.GetProperty("lastSeq").GetInt64(), catsRow.GetProperty("readSeq").GetInt64(), catsRow.GetProperty("unread").GetInt64()));
        Assert.Equal((1L, "hello"), (catsRow.GetProperty("lastMessage").GetProperty("seq").GetInt64(), catsRow.GetProperty("lastMessage").GetProperty("body").GetString()));
    }
}
