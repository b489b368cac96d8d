using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Push;
using Seqline.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Edge;

/// <summary>Live push through the client library, across two edge nodes, and catch-up by pull.</summary>
public sealed class PushAndCatchUpTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly DropSecondPush _dropper = new();
    private SeqlineServer _node = null!;
    private SeqlineServer _edge = null!;

    public async Task InitializeAsync()
    {
        // These tests count pulls: on a busy machine a push may lag its successor by more than the
        // default wait, and the device would rightly pull.
        var settings = new Dictionary<string, string?> { ["Seqline:Push:ReorderWait"] = "00:00:02" };
        _node = await SeqlineServer.StartNode(_data.Path, s => s.AddSingleton<IPushInterceptor>(_dropper), settings);
        _edge = await SeqlineServer.StartEdge(_node.GatewayPort, settings: settings);
    }

    [Fact]
    public async Task Two_users_on_three_devices_over_two_edge_nodes_get_every_message_by_push_and_by_pull()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var (aliceToken, bobToken) = (await _node.Token(alice), await _node.Token(bob));
        await using var phone = await ClientDevice.Connect(_node, aliceToken);
        await using var laptop = await ClientDevice.Connect(_edge, aliceToken);
        await using var bobsPhone = await ClientDevice.Connect(_node, bobToken);
        var tabletCheckpoint = new InMemoryCheckpointStore();
        await (await ClientDevice.Connect(_edge, bobToken, tabletCheckpoint)).DisposeAsync();
        var chain = await RecordPushes(_edge, bobToken);
        await Subscribed(_node, alice, bob);
        await Subscribed(_edge, alice, bob);
        await HeardHello(bobsPhone, laptop);
        // The recorder's own first push says its connection is in the edge's push path.
        await chain.Hello.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var pullsBefore = (bobsPhone.Client.Pulls, laptop.Client.Pulls);
        var pushesBefore = (bobsPhone.Client.PushesApplied, laptop.Client.PushesApplied);

        var conversation = await phone.Client.CreateConversationAsync([bob], "two devices");
        for (var i = 1; i <= 5; i++)
        {
            var receipt = await phone.Client.SendAsync(conversation.ConversationId, $"hello {i}");
            Assert.Equal(i, receipt.Seq);
        }

        foreach (var device in new[] { laptop, bobsPhone, phone })
        {
            await Eventually.True(() => Task.FromResult(device.MessageSeqs(conversation.ConversationId).Count >= 5),
                TimeSpan.FromSeconds(60), "every device to get five messages");
            Assert.Equal([1L, 2L, 3L, 4L, 5L], device.MessageSeqs(conversation.ConversationId));
        }
        // Bob's phone and Alice's laptop (on the other edge node) got them as pushes, not pulls.
        Assert.True(bobsPhone.Client.PushesApplied > pushesBefore.Item1 && laptop.Client.PushesApplied > pushesBefore.Item2,
            $"pushes applied/ignored, pulls: bob {bobsPhone.Client.PushesApplied}/{bobsPhone.Client.PushesIgnored}, {bobsPhone.Client.Pulls - pullsBefore.Item1}; laptop {laptop.Client.PushesApplied}/{laptop.Client.PushesIgnored}, {laptop.Client.Pulls - pullsBefore.Item2}");
        Assert.Equal(pullsBefore, (bobsPhone.Client.Pulls, laptop.Client.Pulls));

        // The pushes to Bob form one chain from the cursor before the exchange to the one after it.
        var before = await tabletCheckpoint.LoadAsync();
        await Eventually.True(() => Task.FromResult(chain.Pushes.Count > 0 && chain.Follow(before) == bobsPhone.Client.Cursor),
            TimeSpan.FromSeconds(60), "the push chain to reach bob's cursor");

        // Bob's tablet was offline throughout; it catches up by pull to exactly the same events.
        await using var tablet = await ClientDevice.Connect(_node, bobToken, tabletCheckpoint);
        Assert.Equal(bobsPhone.Events, tablet.Events);
        Assert.Equal(bobsPhone.Client.Cursor, tablet.Client.Cursor);
        await chain.DisposeAsync();
    }

    [Fact]
    public async Task A_lost_push_is_noticed_through_the_cursor_chain_and_recovered_by_pull()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        _dropper.Victim = bob;
        await using var sender = await ClientDevice.Connect(_node, await _node.Token(alice));
        await using var receiver = await ClientDevice.Connect(_node, await _node.Token(bob));
        var conversation = await sender.Client.CreateConversationAsync([bob]);
        await Subscribed(_node, bob);
        await HeardHello(receiver);
        var pullsBefore = receiver.Client.Pulls;

        for (var i = 1; i <= 3; i++)
        {
            await sender.Client.SendAsync(conversation.ConversationId, $"m{i}");
            await Eventually.True(() => Task.FromResult(_dropper.Seen >= i), TimeSpan.FromSeconds(60), $"push {i}");
        }

        await Eventually.True(() => Task.FromResult(receiver.MessageSeqs(conversation.ConversationId).Count >= 3), TimeSpan.FromSeconds(60), "all three");
        Assert.Equal([1L, 2L, 3L], receiver.MessageSeqs(conversation.ConversationId));
        Assert.Equal(1, _dropper.Dropped);
        Assert.True(receiver.Client.PushesIgnored >= 1, "the push after the lost one does not fit the cursor");
        Assert.True(receiver.Client.Pulls > pullsBefore, "the gap is filled by a pull");
    }

    [Fact]
    public async Task A_send_cut_after_the_server_committed_is_retried_and_answered_as_a_duplicate()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var token = await _node.Token(alice);
        using var cutter = new CutFirstSendAfterCommit { InnerHandler = new SocketsHttpHandler() };
        await using var device = await ClientDevice.Connect(_node, token, handler: cutter);
        var conversation = await device.Client.CreateConversationAsync([bob]);

        var receipt = await device.Client.SendAsync(conversation.ConversationId, "only once");

        Assert.Equal(1, cutter.Cuts);
        Assert.True(receipt.Duplicate);
        Assert.Equal(1, receipt.Seq);
        var history = await device.Client.GetHistoryBeforeAsync(conversation.ConversationId, null, 10);
        Assert.Equal("only once", Assert.Single(history.Messages).Body);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _node.DisposeAsync();
        _data.Dispose();
    }

    private static async Task<PushChain> RecordPushes(SeqlineServer server, string token)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/sync"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var chain = new PushChain(hub);
        hub.On<PushBatch>("events", push =>
        {
            chain.Hello.TrySetResult();
            // A push that moves nowhere (the hello at the head) is no link of the chain.
            if (push.PrevCursor != push.Cursor) chain.Pushes[push.PrevCursor] = push.Cursor;
        });
        await hub.StartAsync();
        return chain;
    }

    private sealed class PushChain(HubConnection hub) : IAsyncDisposable
    {
        public ConcurrentDictionary<string, string> Pushes { get; } = new();

        public TaskCompletionSource Hello { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? Follow(string? from)
        {
            for (var steps = 0; from is not null && Pushes.TryGetValue(from, out var next) && steps < 1000; steps++) from = next;
            return from;
        }

        public ValueTask DisposeAsync() => hub.DisposeAsync();
    }

    private sealed class DropSecondPush : IPushInterceptor
    {
        private int _seen;
        public string? Victim { get; set; }
        public int Seen => Volatile.Read(ref _seen);
        public int Dropped { get; private set; }

        public bool ShouldDeliver(Seqline.Push.InboxPush push)
        {
            if (push.UserId != Victim) return true;
            if (Interlocked.Increment(ref _seen) != 2) return true;
            Dropped++;
            return false;
        }
    }

    /// <summary>Lets the first send reach the server, then loses the answer, as a dropped connection would.</summary>
    private sealed class CutFirstSendAfterCommit : DelegatingHandler
    {
        private int _sends;

        public int Cuts { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/messages") && _sends++ == 0)
            {
                Cuts++;
                response.Dispose();
                throw new HttpRequestException("connection reset (test)");
            }
            return response;
        }
    }
}
