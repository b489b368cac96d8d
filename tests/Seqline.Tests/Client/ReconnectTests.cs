using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Client;

/// <summary>The client library rides out a lost hub connection: it reconnects with backoff and catches up by pull.</summary>
public sealed class ReconnectTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private SeqlineServer _node = null!;

    public async Task InitializeAsync() => _node = await SeqlineServer.StartNode(_data.Path);

    [Fact]
    public async Task A_device_whose_edge_node_restarts_reconnects_and_gets_every_message_once_in_order()
    {
        using var alice = await ApiUser.SignIn(_node, Ids.User("alice"));
        var bob = Ids.User("bob");
        var edge = await SeqlineServer.StartEdge(_node.GatewayPort);
        var port = edge.BaseAddress.Port;
        var negotiations = new NegotiationCounter();
        try
        {
            await using var device = await ClientDevice.Connect(edge, await _node.Token(bob), configure: o =>
            {
                o.ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)];
                o.ConfigureHub = hub => hub.HttpMessageHandlerFactory = inner => new CountingHandler(negotiations) { InnerHandler = inner };
            });
            await Subscribed(edge, bob);
            await HeardHello(device);
            var id = await alice.CreateGroup(bob);
            var sent = 0;
            async Task Send(int count)
            {
                for (var i = 0; i < count; i++) Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, $"message {++sent}")).StatusCode);
            }

            await Send(3);
            await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count == 3), TimeSpan.FromSeconds(60), "the first messages");

            await edge.DisposeAsync();
            await Eventually.True(() => Task.FromResult(negotiations.Failed >= 2), TimeSpan.FromSeconds(60), "failed reconnection attempts while the edge is down");
            Assert.Equal(HubConnectionState.Reconnecting, device.Client.ConnectionState);
            await Send(3);
            var pullsBefore = device.Client.Pulls;

            edge = await SeqlineServer.StartEdge(_node.GatewayPort, settings: new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}" });
            await Send(3);

            await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count >= 9), TimeSpan.FromSeconds(60), "every message after the reconnect");
            Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), device.MessageSeqs(id));
            Assert.Equal(HubConnectionState.Connected, device.Client.ConnectionState);
            Assert.True(device.Client.Pulls > pullsBefore, "the reconnect is followed by a catch-up pull");
        }
        finally
        {
            await edge.DisposeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    private sealed class NegotiationCounter
    {
        private int _failed;
        public int Failed => Volatile.Read(ref _failed);
        public void Fail() => Interlocked.Increment(ref _failed);
    }

    /// <summary>Counts hub negotiations that found nobody listening.</summary>
    private sealed class CountingHandler(NegotiationCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (request.RequestUri!.AbsolutePath.EndsWith("/negotiate", StringComparison.Ordinal))
            {
                counter.Fail();
                throw;
            }
        }
    }
}
