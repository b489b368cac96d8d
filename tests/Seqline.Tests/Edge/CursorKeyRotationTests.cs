using System.Net;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>
/// Rotating the cursor key: the nodes sign with the new key and still read cursors signed with the
/// previous one, so devices carry on from where they were instead of all resetting at once.
/// </summary>
public sealed class CursorKeyRotationTests : IDisposable
{
    private const string OldKey = "cursor-key-of-last-year";
    private const string NewKey = "cursor-key-of-this-year";
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Cursors_signed_with_the_previous_key_are_read_until_it_is_dropped()
    {
        string id, oldCursor;
        await using (var node = await Start(OldKey, previous: null))
        {
            using var alice = await SignIn(node, "alice");
            id = await alice.CreateGroup("bob");
            oldCursor = (await Json(await alice.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
            Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "before the rotation")).StatusCode);
            await alice.WaitForInbox(oldCursor, id, 1);
        }

        string newCursor;
        await using (var node = await Start(NewKey, previous: OldKey))
        {
            using var alice = await SignIn(node, "alice");
            var page = await Json(await alice.Http.GetAsync($"api/sync?cursor={oldCursor}"));
            Assert.False(page.GetProperty("reset").GetBoolean());
            Assert.Contains(page.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "message" && e.GetProperty("seq").GetInt64() == 1);
            newCursor = page.GetProperty("cursor").GetString()!;
        }

        await using (var node = await Start(NewKey, previous: null))
        {
            using var alice = await SignIn(node, "alice");
            var page = await alice.Http.GetAsync($"api/sync?cursor={newCursor}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.False((await Json(page)).GetProperty("reset").GetBoolean());
            await AssertProblem(await alice.Http.GetAsync($"api/sync?cursor={oldCursor}"), HttpStatusCode.BadRequest, "invalid");
        }
    }

    private Task<SeqlineServer> Start(string key, string? previous) =>
        SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Sync:CursorKey"] = key,
            ["Seqline:Sync:PreviousCursorKey"] = previous,
        });

    public void Dispose() => _data.Dispose();
}
