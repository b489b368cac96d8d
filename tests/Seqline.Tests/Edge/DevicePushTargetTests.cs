using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Push;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Edge;

/// <summary>
/// A push goes to a user's one connection on the node directly, and to the user's group when there
/// are several: as devices come and go, each connected device keeps getting every message by push.
/// </summary>
public sealed class DevicePushTargetTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task One_device_then_two_then_the_second_alone_each_get_every_message_by_push()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        var connections = server.Services.GetRequiredService<PushBridge>().Connections;
        using var alice = await ApiUser.SignIn(server, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(server, Ids.User("bob"));
        var id = await alice.CreateGroup(bob.Id);

        var first = await ClientDevice.Connect(server, bob.Token);
        await Subscribed(server, bob.Id);
        await HeardHello(first);
        Assert.NotNull(connections.Route(bob.Id).Connection);
        await SendAndAwaitPush(alice, id, 1, first);

        await using var second = await ClientDevice.Connect(server, bob.Token);
        await HeardHello(second);
        Assert.Null(connections.Route(bob.Id).Connection);
        await SendAndAwaitPush(alice, id, 2, first, second);

        await first.DisposeAsync();
        await Eventually.True(() => Task.FromResult(connections.Route(bob.Id).Connection is not null), TimeSpan.FromSeconds(60), "the first connection to be gone");
        await SendAndAwaitPush(alice, id, 3, second);
    }

    [Fact]
    public void A_push_goes_to_the_connection_when_the_user_has_exactly_one_else_to_the_users_group()
    {
        var connections = new UserConnections();
        Assert.Null(connections.Route("bob").Connection);
        Assert.Equal(PushBridge.GroupOf("bob"), connections.Route("bob").Group);

        connections.Add("bob", "c1");
        Assert.Equal("c1", connections.Route("bob").Connection);
        connections.Add("bob", "c2");
        Assert.Equal((null, PushBridge.GroupOf("bob")), connections.Route("bob"));
        connections.Remove("bob", "c1");
        Assert.Equal("c2", connections.Route("bob").Connection);

        // Removing what is not there changes nothing; another user's are their own.
        connections.Remove("bob", "c1");
        connections.Remove("carol", "c2");
        Assert.Equal("c2", connections.Route("bob").Connection);
        connections.Remove("bob", "c2");
        Assert.Null(connections.Route("bob").Connection);
    }

    public void Dispose() => _data.Dispose();

    // The message reaches each device by push: its pushes grow and it does not pull for it.
    private static async Task SendAndAwaitPush(ApiUser sender, string conversationId, long seq, params ClientDevice[] devices)
    {
        var before = devices.Select(d => (d.Client.PushesApplied, d.Client.Pulls)).ToList();
        Assert.Equal(HttpStatusCode.Created, (await sender.Send(conversationId, $"message {seq}")).StatusCode);
        foreach (var device in devices)
            await Eventually.True(() => Task.FromResult(device.MessageSeqs(conversationId).Contains(seq)), TimeSpan.FromSeconds(60), $"message {seq} to reach the device");
        for (var i = 0; i < devices.Length; i++)
        {
            Assert.True(devices[i].Client.PushesApplied > before[i].PushesApplied, $"message {seq} came to device {i} by push");
            Assert.Equal(before[i].Pulls, devices[i].Client.Pulls);
        }
    }
}
