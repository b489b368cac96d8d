using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Diagnostics;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Operations;

/// <summary>
/// <c>/metrics</c> after known traffic, on a node of its own so that every count is this test's.
/// Values are read as a Prometheus scraper reads them: names with units and <c>_total</c>, dots as underscores.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private SeqlineServer _node = null!;

    public async Task InitializeAsync() => _node = await SeqlineServer.StartNode(_data.Path);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Sends_refusals_syncs_devices_and_appends_are_counted_exactly()
    {
        using var alice = await ApiUser.SignIn(_node, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(_node, Ids.User("bob"));
        using var carol = await ApiUser.SignIn(_node, Ids.User("carol"));
        var conversation = await alice.CreateGroup(bob.Id);

        foreach (var id in new[] { "m1", "m2", "m3" })
            Assert.Equal(HttpStatusCode.Created, (await alice.Send(conversation, "hello", id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.Send(conversation, "hello", "m1")).StatusCode);
        await ApiUser.AssertProblem(await carol.Send(conversation, "let me in"), HttpStatusCode.NotFound, "not_found");
        await ApiUser.AssertProblem(await alice.Send(conversation, " "), HttpStatusCode.BadRequest, "invalid");

        var hub = await TestHub.Connect(_node, bob.Token);
        await using (hub)
        {
            await Eventually.True(async () => (await _node.ScrapeMetrics()).Sum("seqline_devices_connected") == 1,
                TimeSpan.FromSeconds(60), "bob's device to count as connected");
            await hub.InvokeAsync<JsonElement>("SendMessage", conversation, "h1", "from the hub");
            await TestHub.AssertRefused(() => hub.InvokeAsync<JsonElement>("SendMessage", conversation, "a.b", "bad id"), "invalid");
            Assert.True((await hub.InvokeAsync<JsonElement>("Sync", null, null)).GetProperty("reset").GetBoolean());
        }
        var reset = await ApiUser.Json(await bob.Http.GetAsync("api/sync"));
        Assert.True(reset.GetProperty("reset").GetBoolean());
        var next = await bob.Http.GetAsync($"api/sync?cursor={Uri.EscapeDataString(reset.GetProperty("cursor").GetString()!)}");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        var stored = (await alice.HistorySeqs(conversation)).Max();

        // The device leaving is the last thing counted; every other count was in before its answer.
        PrometheusText metrics = null!;
        await Eventually.True(async () => (metrics = await _node.ScrapeMetrics()).Sum("seqline_devices_connected") == 0,
            TimeSpan.FromSeconds(60), "bob's device to count as gone");

        Assert.Equal(3, metrics.Sum("seqline_sends_acknowledged_total", ("transport", "http"), ("duplicate", "false")));
        Assert.Equal(1, metrics.Sum("seqline_sends_acknowledged_total", ("transport", "http"), ("duplicate", "true")));
        Assert.Equal(1, metrics.Sum("seqline_sends_acknowledged_total", ("transport", "hub")));
        Assert.Equal(1, metrics.Sum("seqline_sends_refused_total", ("transport", "http"), ("code", "not_found")));
        Assert.Equal(1, metrics.Sum("seqline_sends_refused_total", ("transport", "http"), ("code", "invalid")));
        Assert.Equal(1, metrics.Sum("seqline_sends_refused_total", ("transport", "hub"), ("code", "invalid")));
        Assert.Equal(3, metrics.Sum("seqline_sends_refused_total"));
        Assert.Equal(4, metrics.Sum("seqline_send_duration_seconds_count", ("transport", "http")));
        Assert.Equal(2, metrics.Sum("seqline_syncs_total", ("transport", "http")));
        Assert.Equal(1, metrics.Sum("seqline_sync_resets_total", ("transport", "http")));
        Assert.Equal(1, metrics.Sum("seqline_syncs_total", ("transport", "hub")));
        Assert.Equal(1, metrics.Sum("seqline_sync_resets_total", ("transport", "hub")));

        // Every seq the conversation holds went through exactly one measured append.
        Assert.Equal(stored, metrics.Sum("seqline_timeline_append_size_sum", ("seqline_store", "conversations")));
        Assert.InRange(metrics.Sum("seqline_timeline_append_size_count", ("seqline_store", "conversations"))!.Value, 1, stored);
        Assert.True(metrics.Sum("seqline_timeline_append_size_sum", ("seqline_store", "inboxes")) >= 2 * 4,
            $"four messages went into two inboxes:{Environment.NewLine}{metrics}");
        Assert.Null(metrics.Sum("seqline_timeline_append_failures_total"));

        var commits = metrics.Sum("seqline_sqlite_commit_writes_count")!.Value;
        Assert.InRange(commits, 1, metrics.Sum("seqline_sqlite_commit_writes_sum")!.Value);
        Assert.Equal(commits, metrics.Sum("seqline_sqlite_commit_duration_seconds_count"));
        Assert.NotNull(metrics.Sum("seqline_sqlite_queue_depth"));
        // Orleans' own meter is there too. Which of its series, and at which scrape, depends on the
        // other silos this test process starts and stops beside this node (some of its instruments
        // are static): so not one series is asserted, and the node is scraped again, after another
        // call into the silo, until one is there (one local run of the whole suite had none at first).
        await Eventually.True(async () =>
        {
            await alice.HistorySeqs(conversation);
            return (await _node.ScrapeMetrics()).Text.Contains("\norleans_", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), "a series of Orleans' meter");
    }

    [Fact]
    public async Task Each_pushed_message_is_timed_from_its_acceptance_to_its_push()
    {
        using var alice = await ApiUser.SignIn(_node, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(_node, Ids.User("bob"));
        var conversation = await alice.CreateGroup(bob.Id);
        ConcurrentQueue<JsonElement> pushed = null!;
        var hub = await TestHub.ConnectRegistered(_node, bob.Id, connection => pushed = TestHub.RecordEvents(connection));
        await using (hub)
        {
            var started = DateTimeOffset.UtcNow;
            foreach (var id in new[] { "p1", "p2" })
                Assert.Equal(HttpStatusCode.Created, (await alice.Send(conversation, "hello", id)).StatusCode);
            await Eventually.True(() => pushed.Count(e => e.GetProperty("type").GetString() == "message") == 2,
                TimeSpan.FromSeconds(60), "both messages to reach bob's device");

            // Timed once the send to the connection has returned, which may be after the device has the push.
            PrometheusText metrics = null!;
            await Eventually.True(async () => (metrics = await _node.ScrapeMetrics()).Sum("seqline_push_lag_seconds_count") == 2,
                TimeSpan.FromSeconds(60), "both pushes to be timed");
            var elapsed = DateTimeOffset.UtcNow - started;

            // Bob's device is the only one: one timing per message, each within the test's own time
            // (sentAt is stored to the millisecond, hence the margin).
            Assert.Equal(2, metrics.Sum("seqline_push_lag_seconds_count", ("fanout", "write")));
            Assert.InRange(metrics.Sum("seqline_push_lag_seconds_sum")!.Value, 0, 2 * (elapsed.TotalSeconds + 0.002));
            Assert.Equal(2, metrics.Sum("seqline_push_lag_seconds_bucket", ("fanout", "write"), ("le", "+Inf")));
        }
    }

    [Fact]
    public async Task Fan_out_lag_and_live_follows_reported_by_grains_are_served()
    {
        var grains = _node.Services.GetRequiredService<SeqlineMetrics>();
        grains.ReportFanoutLag("c-a", acknowledgedSeq: 10, fannedOutSeq: 4);
        grains.ReportFanoutLag("c-b", acknowledgedSeq: 7, fannedOutSeq: 5);
        grains.ReportFanoutLag("c-c", acknowledgedSeq: 3, fannedOutSeq: 3);
        grains.LiveFollowsChanged(+3);
        grains.LiveFollowsChanged(-1);

        var metrics = await _node.ScrapeMetrics();
        Assert.Equal(8, metrics.Sum("seqline_fanout_backlog"));
        Assert.Equal(6, metrics.Sum("seqline_fanout_lag_max"));
        Assert.Equal(2, metrics.Sum("seqline_fanout_behind"));
        Assert.Equal(2, metrics.Sum("seqline_live_follows"));

        grains.ReportFanoutLag("c-a", acknowledgedSeq: 10, fannedOutSeq: 10);
        grains.ForgetFanout("c-b");
        await Eventually.True(async () => (await _node.ScrapeMetrics()).Sum("seqline_fanout_backlog") == 0,
            TimeSpan.FromSeconds(60), "the backlog to drain");
    }
}
