using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Seqline.Hosting;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Lifecycle;

public sealed class RecallTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_sender_recalls_within_the_window_and_every_device_sees_the_tombstone_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await SeqlineServer.StartNode(_data.Path, s => s.AddKeyedSingleton<TimeProvider>(RetentionOptions.Clock, clock));
        using var alice = await SignIn(server, "alice");
        using var bob = await SignIn(server, "bob");
        await using var alicePhone = await ClientDevice.Connect(server, alice.Token);
        await using var bobPhone = await ClientDevice.Connect(server, bob.Token);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var bobTablet = await new TestDevice(grains, "bob").Connect();
        var id = await alice.CreateGroup("bob");
        foreach (var body in new[] { "one", "secret two", "three" }) Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, body)).StatusCode);
        await Eventually.True(() => Task.FromResult(bobPhone.MessageSeqs(id).Count == 3), TimeSpan.FromSeconds(60), "bob's messages");

        await AssertProblem(await bob.Http.PostAsync($"api/conversations/{id}/messages/1/recall", null), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await alice.Http.PostAsync($"api/conversations/{id}/messages/99/recall", null), HttpStatusCode.NotFound, "not_found");
        var recalled = await Json(await alice.Http.PostAsync($"api/conversations/{id}/messages/2/recall", null));
        Assert.True(recalled.GetProperty("recalled").GetBoolean());
        Assert.Equal("", recalled.GetProperty("body").GetString());

        clock.Advance(TimeSpan.FromHours(25));
        await AssertProblem(await alice.Http.PostAsync($"api/conversations/{id}/messages/3/recall", null), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.PostAsync($"api/conversations/{id}/messages/2/recall", null)).StatusCode);

        // The body is gone from storage; the seq and its neighbours stay.
        var stored = await server.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Conversations).ReadAfterAsync(id, 0, 10);
        Assert.Equal(new long[] { 1, 2, 3 }, stored.Select(e => e.Seq));
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(stored[1].Payload));
        var history = (await Json(await bob.Http.GetAsync($"api/conversations/{id}/messages"))).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["one", "", "three"], history.Select(m => m.GetProperty("body").GetString()));
        Assert.True(history[1].GetProperty("recalled").GetBoolean());
        Assert.False(history[0].GetProperty("recalled").GetBoolean());

        // A message after the recalls marks the end of what each device should have seen.
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "four")).StatusCode);
        foreach (var device in new[] { alicePhone, bobPhone })
        {
            await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count == 4), TimeSpan.FromSeconds(60), "the fourth message");
            Assert.Equal(["message:1", "message:2", "message:3", "recall:2", "message:4"],
                device.Events.Where(e => e.ConversationId == id && e.Type is "message" or "recall").Select(e => $"{e.Type}:{e.Seq}"));
        }
        await bobTablet.PullAll();
        Assert.Equal(["message:1", "message:2", "message:3", "recall:2", "message:4"],
            bobTablet.Events.Where(e => e.Type is "message" or "recall").Select(e => $"{e.Type}:{e.Seq}"));
        Assert.Equal("three", bobTablet.Events.Single(e => e.Seq == 3 && e.Type == "message").Body);
        // The inbox copies are blanked too: a device syncing after the recall never sees the body.
        var tombstone = bobTablet.Events.Single(e => e.Seq == 2 && e.Type == "message");
        Assert.Equal(("", true), (tombstone.Body, tombstone.Recalled));
        var inboxes = server.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Inboxes);
        foreach (var user in new[] { "alice", "bob" })
        {
            var copies = await inboxes.ReadAfterAsync(user, 0, 100);
            Assert.Contains(copies, c => Encoding.UTF8.GetString(c.Payload).Contains("three"));
            Assert.DoesNotContain(copies, c => Encoding.UTF8.GetString(c.Payload).Contains("secret"));
        }
    }

    [Fact]
    public async Task What_a_user_hides_or_clears_leaves_their_history_on_every_device_but_not_anyone_elses()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "2",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
        });
        using var alice = await SignIn(server, "alice");
        using var bob = await SignIn(server, "bob");
        var id = await alice.CreateGroup("bob", "carol");
        for (var i = 1; i <= 5; i++)
        {
            var mentions = i == 3 ? new[] { "alice" } : null;
            var sent = await bob.Http.PostAsJsonAsync($"api/conversations/{id}/messages", new { clientMsgId = $"b{i}", body = $"m{i}", mentions });
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }
        var row = (await Json(await alice.Http.GetAsync("api/conversations"))).EnumerateArray().Single();
        Assert.Equal("read", row.GetProperty("fanout").GetString());
        await Eventually.True(async () => (await Json(await alice.Http.GetAsync("api/conversations"))).EnumerateArray().Single().GetProperty("mentions").GetInt64() == 1,
            TimeSpan.FromSeconds(60), "the mention in a read-fan-out group");

        Assert.Equal(HttpStatusCode.OK, (await alice.Http.PostAsJsonAsync($"api/conversations/{id}/clear", new { seq = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.PostAsJsonAsync($"api/conversations/{id}/hide", new { seq = 4 })).StatusCode);
        await AssertProblem(await alice.Http.PostAsJsonAsync($"api/conversations/{id}/hide", new { }), HttpStatusCode.BadRequest, "invalid");

        Assert.Equal([3L, 5L], await alice.HistorySeqs(id));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], await bob.HistorySeqs(id));
    }

    [Fact]
    public async Task Pages_of_history_fill_up_past_hidden_messages_and_end_at_a_clear()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        using var alice = await SignIn(server, "alice");
        using var bob = await SignIn(server, "bob");
        var id = await alice.CreateGroup("bob");
        for (var i = 1; i <= 8; i++) Assert.Equal(HttpStatusCode.Created, (await bob.Send(id, $"m{i}")).StatusCode);
        await Eventually.True(async () => (await Json(await alice.Http.GetAsync("api/conversations"))).EnumerateArray().Single().GetProperty("lastSeq").GetInt64() == 8,
            TimeSpan.FromSeconds(60), "the messages in alice's inbox");
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.PostAsJsonAsync($"api/conversations/{id}/clear", new { seq = 1 })).StatusCode);
        foreach (var seq in new[] { 3, 4, 5, 7 })
            Assert.Equal(HttpStatusCode.OK, (await alice.Http.PostAsJsonAsync($"api/conversations/{id}/hide", new { seq })).StatusCode);

        async Task<(List<long> Seqs, bool HasMore)> Page(string query)
        {
            var page = await Json(await alice.Http.GetAsync($"api/conversations/{id}/messages?{query}"));
            return (page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList(), page.GetProperty("hasMore").GetBoolean());
        }

        // Backward: full pages despite the hidden run, and the end of what alice sees is the clear.
        var newest = await Page("limit=2");
        Assert.Equal([6L, 8L], newest.Seqs);
        Assert.True(newest.HasMore);
        var older = await Page("limit=2&before=6");
        Assert.Equal([2L], older.Seqs);
        Assert.False(older.HasMore);
        // Forward from the start: the cleared message is skipped, and so are the hidden ones.
        var first = await Page("after=0&limit=2");
        Assert.Equal([2L, 6L], first.Seqs);
        Assert.True(first.HasMore);
        var next = await Page("after=6&limit=2");
        Assert.Equal([8L], next.Seqs);
        Assert.False(next.HasMore);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L], await bob.HistorySeqs(id));
    }

    public void Dispose() => _data.Dispose();
}
