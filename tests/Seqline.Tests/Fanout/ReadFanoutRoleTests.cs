using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Fanout;

/// <summary>
/// Role and title notices in a read-fan-out group: they stay in the conversation's timeline, like
/// its messages, and still reach every member by sync and push; a new title reaches the lists too,
/// which read fan-out does not copy anything into.
/// </summary>
public sealed class ReadFanoutRoleTests : IAsyncLifetime
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

    [Fact]
    public async Task Role_and_title_events_reach_every_member_by_sync_and_push_and_the_list_takes_the_title()
    {
        using var ann = await SignIn(_server, Ids.User("ann"));
        using var bob = await SignIn(_server, Ids.User("bob"));
        using var cat = await SignIn(_server, Ids.User("cat"));
        var id = await ann.CreateGroup(bob.Id, cat.Id);
        var view = await Json(await ann.Http.GetAsync($"api/conversations/{id}"));
        Assert.Equal("read", view.GetProperty("fanout").GetString());

        var cursor = (await Json(await bob.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        await using var hub = await TestHub.Connect(_server, cat.Token);
        var pushed = TestHub.RecordEvents(hub);
        await PushWaits.Subscribed(_server, cat.Id);

        Assert.Equal(HttpStatusCode.OK, (await ann.Http.PutAsJsonAsync($"api/conversations/{id}/members/{bob.Id}/role", new { role = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.Http.PutAsJsonAsync($"api/conversations/{id}/title", new { title = "big" })).StatusCode);

        static string Describe(JsonElement e) => $"{e.GetProperty("type").GetString()}@{e.GetProperty("seq").GetInt64()} " +
            (e.TryGetProperty("role", out var role) ? $"{e.GetProperty("userId").GetString()}={role.GetString()}" : e.GetProperty("title").GetString());
        static bool Notice(JsonElement e, string id) => e.GetProperty("conversationId").GetString() == id && e.GetProperty("type").GetString() is "role" or "title";
        var expected = new[] { $"role@1 {bob.Id}=admin", "title@2 big" };
        await Eventually.True(() => pushed.Where(e => Notice(e, id)).Select(Describe).SequenceEqual(expected),
            Within, "cat's connection to be pushed both notices");
        await Eventually.True(async () => (await Json(await bob.Http.GetAsync($"api/sync?cursor={cursor}&limit=100"))).GetProperty("events").EnumerateArray()
            .Where(e => Notice(e, id)).Select(Describe).SequenceEqual(expected), Within, "bob's sync to hold both notices");

        foreach (var user in new[] { ann, bob, cat })
        {
            await Eventually.True(async () => (await Json(await user.Http.GetAsync("api/conversations"))).EnumerateArray()
                .Single(r => r.GetProperty("conversationId").GetString() == id).GetProperty("title").GetString() == "big", Within, $"{user.Id}'s list to show the title");
        }
        // bob renamed it, so he has read up to there; the others have the two notices unread.
        var rows = new Dictionary<string, JsonElement>();
        foreach (var user in new[] { bob, cat })
            rows[user.Id] = (await Json(await user.Http.GetAsync("api/conversations"))).EnumerateArray().Single(r => r.GetProperty("conversationId").GetString() == id);
        Assert.Equal((2L, 0L), (rows[bob.Id].GetProperty("lastSeq").GetInt64(), rows[bob.Id].GetProperty("unread").GetInt64()));
        Assert.Equal((2L, 2L), (rows[cat.Id].GetProperty("lastSeq").GetInt64(), rows[cat.Id].GetProperty("unread").GetInt64()));
    }
}
