using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Seqline.Inboxes;
using Seqline.OfflinePush;
using Seqline.Push;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.OfflinePush;

/// <summary>
/// The offline push hook end to end: a node on Kestrel with SQLite files, its webhook a real HTTP
/// receiver on 127.0.0.1. Whether a notice was left out is checked by a later one that must come
/// after it: the inbox hands notices over in order, so the later one's arrival proves the earlier absent.
/// </summary>
public sealed class OfflinePushTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task An_offline_member_gets_one_signed_request_naming_the_message()
    {
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings());
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");

        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "hello bob")).StatusCode);

        await Eventually.True(() => receiver.BatchesOf("bob").Count == 1, Patience, "bob's push");
        var request = Assert.Single(receiver.Requests, r => r.UserId == "bob");
        Assert.True(request.IsSignedWith(WebhookReceiver.SigningKey));
        Assert.False(request.IsSignedWith(WebhookReceiver.SigningKey + "x"));
        Assert.InRange(long.Parse(request.Timestamp), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        var notice = Assert.Single(request.Notifications);
        Assert.Equal($"bob:{id}:1", notice.GetProperty("id").GetString());
        Assert.Equal(id, notice.GetProperty("conversationId").GetString());
        Assert.Equal(1, notice.GetProperty("seq").GetInt64());
        Assert.Equal("message", notice.GetProperty("kind").GetString());
        Assert.Equal("alice", notice.GetProperty("senderId").GetString());
        Assert.Equal("hello bob", notice.GetProperty("preview").GetString());
    }

    [Fact]
    public async Task Messages_within_the_batch_window_go_in_one_request()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, services => services.AddKeyedSingleton<TimeProvider>(OfflinePushOptions.Clock, clock),
            receiver.Settings(new() { ["Seqline:OfflinePush:BatchWindow"] = "00:00:01" }));
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");
        foreach (var body in new[] { "one", "two", "three" }) Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, body)).StatusCode);
        var bob = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IInboxGrain>("bob");
        await Eventually.True(async () => (await bob.GetConversations()).Single().LastSeq == 3, Patience, "all three in bob's inbox");
        Assert.Empty(receiver.Requests);

        clock.Advance(TimeSpan.FromSeconds(1));

        await Eventually.True(() => receiver.BatchesOf("bob").Count == 1, Patience, "bob's batch");
        Assert.Equal([[1L, 2L, 3L]], receiver.BatchesOf("bob"));
    }

    [Fact]
    public async Task A_batch_refused_twice_is_retried_and_accepted_once()
    {
        await using var receiver = await WebhookReceiver.Start(failFirst: 2);
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings());
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");

        await alice.Send(id, "one");
        await Eventually.True(() => receiver.BatchesOf("bob").Count == 1, Patience, "the retried batch accepted");
        await alice.Send(id, "two");
        await Eventually.True(() => receiver.BatchesOf("bob").Count == 2, Patience, "the next batch");

        Assert.Equal([[1L], [2L]], receiver.BatchesOf("bob"));
        var bobs = receiver.Requests.Where(r => r.UserId == "bob").ToList();
        Assert.Equal([true, true, false, false], bobs.Select(r => r.Failed));
        Assert.All(bobs, r => Assert.True(r.IsSignedWith(WebhookReceiver.SigningKey)));
        Assert.Equal(bobs[0].Body, bobs[2].Body);
    }

    [Fact]
    public async Task Notices_still_in_their_window_when_the_node_stops_go_at_the_stop_in_one_request()
    {
        await using var receiver = await WebhookReceiver.Start();
        var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings(new() { ["Seqline:OfflinePush:BatchWindow"] = "01:00:00" }));
        try
        {
            using var alice = await SignIn(server, "alice");
            var id = await alice.CreateGroup("bob");
            foreach (var body in new[] { "one", "two" }) Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, body)).StatusCode);
            var dispatcher = server.Services.GetRequiredService<OfflinePushDispatcher>();
            await Eventually.True(() => dispatcher.Pending == 2, Patience, "both notices waiting in bob's batch");
            Assert.Empty(receiver.Requests);
        }
        finally
        {
            await server.DisposeAsync();
        }

        // Sent when the node stopped, an hour early, once: the window's timer found nothing left.
        Assert.Equal([[1L, 2L]], receiver.BatchesOf("bob"));
        var request = Assert.Single(receiver.Requests);
        Assert.True(request.IsSignedWith(WebhookReceiver.SigningKey));
    }

    [Fact]
    public async Task A_batch_refused_at_the_stop_is_tried_once_and_the_stop_does_not_wait_for_retries()
    {
        await using var receiver = await WebhookReceiver.Start(failFirst: 1);
        var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings(new()
        {
            ["Seqline:OfflinePush:BatchWindow"] = "01:00:00",
            ["Seqline:OfflinePush:RetryBaseDelay"] = "00:10:00",
        }));
        try
        {
            using var alice = await SignIn(server, "alice");
            var id = await alice.CreateGroup("bob");
            Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "one")).StatusCode);
            var dispatcher = server.Services.GetRequiredService<OfflinePushDispatcher>();
            await Eventually.True(() => dispatcher.Pending == 1, Patience, "the notice waiting in bob's batch");
        }
        finally
        {
            // Bounded by the fixture's 10 s stop: a retry would wait ten minutes.
            await server.DisposeAsync();
        }

        var request = Assert.Single(receiver.Requests);
        Assert.True(request.Failed);
        Assert.Empty(receiver.BatchesOf("bob"));
    }

    [Fact]
    public async Task A_user_with_a_device_connected_gets_no_push_until_it_goes()
    {
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings());
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var bob = grains.GetGrain<IInboxGrain>("bob");
        var device = new InboxPushRecorder();
        var observer = grains.CreateObjectReference<IInboxObserver>(device);
        await bob.Subscribe(observer);

        await alice.Send(id, "while online");
        await Eventually.True(() => device.MessageSeqs(id).Contains(1), Patience, "the live push to bob's device");
        await bob.Unsubscribe(observer);
        await alice.Send(id, "while offline");

        await Eventually.True(() => receiver.BatchesOf("bob").Count > 0, Patience, "bob's push once offline");
        Assert.Equal([2L], receiver.BatchesOf("bob").SelectMany(b => b));
    }

    [Fact]
    public async Task With_previews_off_a_notice_carries_no_text()
    {
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings(new() { ["Seqline:OfflinePush:Previews"] = "false" }));
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");

        await alice.Send(id, "a secret");

        await Eventually.True(() => receiver.BatchesOf("bob").Count == 1, Patience, "bob's push");
        var notice = Assert.Single(receiver.Accepted.Single(r => r.UserId == "bob").Notifications);
        Assert.False(notice.TryGetProperty("preview", out _));
        Assert.DoesNotContain("a secret", System.Text.Encoding.UTF8.GetString(receiver.Accepted.Single(r => r.UserId == "bob").Body));
        Assert.Equal("alice", notice.GetProperty("senderId").GetString());
    }

    [Fact]
    public async Task A_webhook_that_hangs_holds_up_neither_sends_nor_sync()
    {
        await using var receiver = await WebhookReceiver.Start(hang: true);
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings());
        using var alice = await SignIn(server, "alice");
        using var bob = await SignIn(server, "bob");
        var id = await alice.CreateGroup("bob");
        var cursor = (await Json(await bob.Http.GetAsync("api/sync?limit=100"))).GetProperty("cursor").GetString()!;

        await alice.Send(id, "one");
        await Eventually.True(() => receiver.Requests.Any(r => r.UserId == "bob"), Patience, "bob's push reaching the stuck gateway");
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "two")).StatusCode);
        await bob.WaitForInbox(cursor, id, 2);
        Assert.Equal(0, receiver.Answered);
    }

    [Fact]
    public async Task In_read_fan_out_only_mentions_are_pushed()
    {
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings(new()
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "1",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "0",
        }));
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");

        await alice.Send(id, "to everyone");
        var mention = await alice.Http.PostAsJsonAsync($"api/conversations/{id}/messages", new { clientMsgId = Ids.ClientMsg(), body = "@bob look", mentions = new[] { "bob" } });
        Assert.Equal(HttpStatusCode.Created, mention.StatusCode);

        await Eventually.True(() => receiver.BatchesOf("bob").Count == 1, Patience, "bob's mention push");
        var notice = Assert.Single(receiver.Accepted.Single(r => r.UserId == "bob").Notifications);
        Assert.Equal(2, notice.GetProperty("seq").GetInt64());
        Assert.Equal("mention", notice.GetProperty("kind").GetString());
        Assert.Equal("alice", notice.GetProperty("senderId").GetString());
        Assert.Equal("@bob look", notice.GetProperty("preview").GetString());
    }

    public void Dispose() => _data.Dispose();
}
