using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.OfflinePush;

/// <summary><c>PUT /api/conversations/{id}/mute</c>: the caller's per-conversation switch for offline pushes.</summary>
public sealed class MuteTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_muted_conversation_sends_no_push_and_unmuting_brings_them_back()
    {
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings());
        using var alice = await SignIn(server, "alice");
        using var bob = await SignIn(server, "bob");
        var muted = await alice.CreateGroup("bob");
        var other = await alice.CreateGroup("bob");
        var bobsInbox = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IInboxGrain>("bob");

        var answer = await bob.Http.PutAsJsonAsync($"api/conversations/{muted}/mute", new { muted = true });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True((await Json(answer)).GetProperty("muted").GetBoolean());
        var list = await Json(await bob.Http.GetAsync("api/conversations"));
        Assert.True(list.EnumerateArray().Single(c => c.GetProperty("conversationId").GetString() == muted).GetProperty("muted").GetBoolean());
        Assert.False(list.EnumerateArray().Single(c => c.GetProperty("conversationId").GetString() == other).GetProperty("muted").GetBoolean());

        await alice.Send(muted, "quiet");
        await Eventually.True(async () => (await bobsInbox.GetConversations()).Single(c => c.ConversationId == muted).LastSeq == 1, Patience, "the muted message in bob's inbox");
        await alice.Send(other, "loud");
        await Eventually.True(() => receiver.BatchesOf("bob").Count > 0, Patience, "the push of the other conversation");
        Assert.All(receiver.Accepted.SelectMany(r => r.Notifications), n => Assert.Equal(other, n.GetProperty("conversationId").GetString()));

        Assert.False((await Json(await bob.Http.PutAsJsonAsync($"api/conversations/{muted}/mute", new { muted = false }))).GetProperty("muted").GetBoolean());
        await alice.Send(muted, "heard");
        await Eventually.True(() => receiver.Accepted.SelectMany(r => r.Notifications).Any(n => n.GetProperty("conversationId").GetString() == muted), Patience, "the push once unmuted");
        Assert.Equal([2L], receiver.Accepted.SelectMany(r => r.Notifications).Where(n => n.GetProperty("conversationId").GetString() == muted).Select(n => n.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task Muting_reaches_the_users_other_devices_as_events_once()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");
        var cursor = (await Json(await alice.Http.GetAsync("api/sync?limit=100"))).GetProperty("cursor").GetString()!;

        foreach (var muted in new[] { true, true, false })
            Assert.Equal(HttpStatusCode.OK, (await alice.Http.PutAsJsonAsync($"api/conversations/{id}/mute", new { muted })).StatusCode);

        var events = (await Json(await alice.Http.GetAsync($"api/sync?cursor={cursor}&limit=100"))).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("conversationId").GetString() == id).Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["muted", "unmuted"], events);
    }

    [Fact]
    public async Task A_non_member_cannot_mute_and_a_mute_without_a_value_is_invalid_and_changes_nothing()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        using var alice = await SignIn(server, "alice");
        using var mallory = await SignIn(server, "mallory");
        var id = await alice.CreateGroup("bob");

        await AssertProblem(await mallory.Http.PutAsJsonAsync($"api/conversations/{id}/mute", new { muted = true }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await mallory.Http.PutAsJsonAsync("api/conversations/no-such/mute", new { muted = true }), HttpStatusCode.NotFound, "not_found");
        await AssertProblem(await alice.Http.PutAsJsonAsync($"api/conversations/{id}/mute", new { }), HttpStatusCode.BadRequest, "invalid");

        Assert.Empty((await Json(await mallory.Http.GetAsync("api/conversations"))).EnumerateArray());
        Assert.False((await Json(await alice.Http.GetAsync("api/conversations"))).EnumerateArray().Single().GetProperty("muted").GetBoolean());
    }

    public void Dispose() => _data.Dispose();
}
