using System.Buffers.Text;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>A real cursor with one byte of its payload changed is refused by its MAC, on HTTP and on the hub.</summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class TamperedCursorTests(SeqlineNodeFixture node)
{
    // Version (1 byte), epoch (8), then the position (8): its last byte moves the cursor by one event,
    // which would be a perfectly readable cursor if nothing checked the MAC.
    private const int PositionLowByte = 16;

    [Fact]
    public async Task A_cursor_with_a_flipped_byte_is_invalid_on_http_and_the_hub_and_the_inbox_is_unchanged()
    {
        using var alice = await SignIn(node.Server, Ids.User("alice"));
        var id = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "one")).StatusCode);
        var reset = await Json(await alice.Http.GetAsync("api/sync"));
        var cursor = reset.GetProperty("cursor").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "two")).StatusCode);
        var tampered = Tamper(cursor);
        await alice.WaitForInbox(cursor, id, 2);
        var inboxBefore = await InboxSeenFrom(alice, cursor);

        await AssertProblem(await alice.Http.GetAsync($"api/sync?cursor={tampered}"), HttpStatusCode.BadRequest, "invalid");
        await using (var hub = await TestHub.Connect(node.Server, alice.Token))
        {
            await TestHub.AssertRefused(() => hub.InvokeAsync<object>("Sync", tampered, 10), "invalid", "hub sync");
        }

        Assert.Equal(inboxBefore, await InboxSeenFrom(alice, cursor));
        Assert.Equal([1L, 2L], await alice.HistorySeqs(id));
    }

    private static string Tamper(string cursor)
    {
        var bytes = Base64Url.DecodeFromChars(cursor);
        Assert.True(bytes.Length > PositionLowByte + 16, "the cursor has a payload before its MAC");
        bytes[PositionLowByte] ^= 0x01;
        return Base64Url.EncodeToString(bytes);
    }

    // What the inbox answers from a known cursor, and the conversation list: both stay as they were.
    private static async Task<(string Sync, string Conversations)> InboxSeenFrom(ApiUser user, string cursor)
    {
        var sync = await user.Http.GetAsync($"api/sync?cursor={cursor}");
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        return (await sync.Content.ReadAsStringAsync(), await user.Http.GetStringAsync("api/conversations"));
    }
}
