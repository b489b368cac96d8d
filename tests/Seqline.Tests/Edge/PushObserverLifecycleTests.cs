using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Push;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Edge;

/// <summary>
/// The edge node's registration with a user's inbox: renewed before it expires, forgotten by the inbox
/// when it is not renewed, and removed when the user's last device on the node leaves.
/// </summary>
public sealed class PushObserverLifecycleTests : IDisposable
{
    private static readonly TimeSpan ShortExpiry = TimeSpan.FromSeconds(2);
    private readonly TempDirectory _data = new();
    private readonly PushRecorder _pushes = new();

    private readonly CallsTakenIn _subscribes = new(nameof(IInboxGrain.Subscribe));

    private Task<SeqlineServer> StartNode(TimeSpan expiry, TimeSpan renewPeriod) =>
        SeqlineServer.StartNode(_data.Path, s => s.AddSingleton<IPushInterceptor>(_pushes).AddSingleton<IIncomingGrainCallFilter>(_subscribes), new Dictionary<string, string?>
        {
            ["Seqline:Push:ObserverExpiry"] = expiry.ToString("c"),
            ["Seqline:Push:RenewPeriod"] = renewPeriod.ToString("c"),
        });

    private static IInboxGrain Inbox(SeqlineServer server, string userId) => server.Services.GetRequiredService<IGrainFactory>().GetGrain<IInboxGrain>(userId);

    [Fact]
    public async Task Renewals_keep_pushes_flowing_long_past_the_expiry()
    {
        var renewPeriod = TimeSpan.FromMilliseconds(200);
        await using var server = await StartNode(ShortExpiry, renewPeriod);
        using var alice = await ApiUser.SignIn(server, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(server, Ids.User("bob"));
        await using var device = await ClientDevice.Connect(server, bob.Token);
        await Subscribed(server, bob.Id);
        await HeardHello(device);
        var id = await alice.CreateGroup(bob.Id);
        await SendAndAwait(alice, id, device, 1);

        // Enough renewals, at least a period apart, that without them the registration would have
        // lapsed three times over.
        var renewals = _subscribes.Count + (int)(ShortExpiry * 3 / renewPeriod);
        await Eventually.True(() => Task.FromResult(_subscribes.Count >= renewals), TimeSpan.FromSeconds(120), "the node to renew its registration");
        Assert.Equal(1, await Inbox(server, bob.Id).CountObservers());
        var (pulls, pushes) = (device.Client.Pulls, device.Client.PushesApplied);

        await SendAndAwait(alice, id, device, 2);
        Assert.Equal([1L, 2L], device.MessageSeqs(id));
        Assert.True(device.Client.PushesApplied > pushes, "the message came by push");
        Assert.Equal(pulls, device.Client.Pulls);
    }

    [Fact]
    public async Task An_unrenewed_registration_expires_and_the_inbox_stops_pushing_to_it()
    {
        await using var server = await StartNode(ShortExpiry, renewPeriod: TimeSpan.FromHours(1));
        using var alice = await ApiUser.SignIn(server, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(server, Ids.User("bob"));
        await using var device = await ClientDevice.Connect(server, bob.Token);
        await Subscribed(server, bob.Id);
        var id = await alice.CreateGroup(bob.Id);
        var cursor = (await ApiUser.Json(await bob.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;

        await Eventually.True(async () => await Inbox(server, bob.Id).CountObservers() == 0, TimeSpan.FromSeconds(60), "the registration to expire");
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "while nobody is registered")).StatusCode);
        await bob.WaitForInbox(cursor, id, 1);

        // A second device makes the node register again; the next message is pushed, the one before was not.
        await using var other = await ClientDevice.Connect(server, bob.Token);
        await Eventually.True(async () => await Inbox(server, bob.Id).CountObservers() == 1, TimeSpan.FromSeconds(60), "the node to register again");
        await SendAndAwait(alice, id, other, 2);
        Assert.Contains((id, 2L), _pushes.MessagesTo(bob.Id));
        Assert.DoesNotContain((id, 1L), _pushes.MessagesTo(bob.Id));
        // The first device learns of the message it missed from the cursor chain, and pulls it.
        await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count >= 2), TimeSpan.FromSeconds(60), "the first device to catch up");
        Assert.Equal([1L, 2L], device.MessageSeqs(id));
    }

    [Fact]
    public async Task The_node_unregisters_from_the_inbox_when_the_users_last_device_leaves()
    {
        // The default expiry is minutes: only unregistering can empty the inbox's observers within the test.
        await using var server = await StartNode(new PushOptions().ObserverExpiry, new PushOptions().RenewPeriod);
        using var alice = await ApiUser.SignIn(server, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(server, Ids.User("bob"));
        var first = await ClientDevice.Connect(server, bob.Token);
        await using var second = await ClientDevice.Connect(server, bob.Token);
        await Subscribed(server, bob.Id);
        await HeardHello(first, second);
        Assert.Equal(1, await Inbox(server, bob.Id).CountObservers());

        await first.DisposeAsync();
        var id = await alice.CreateGroup(bob.Id);
        await SendAndAwait(alice, id, second, 1);
        Assert.Equal(1, await Inbox(server, bob.Id).CountObservers());
        Assert.Contains(bob.Id, server.Services.GetRequiredService<PushBridge>().ConnectedUsers);

        await second.DisposeAsync();
        await Eventually.True(async () => await Inbox(server, bob.Id).CountObservers() == 0, TimeSpan.FromSeconds(60), "the node to unregister");
        Assert.DoesNotContain(bob.Id, server.Services.GetRequiredService<PushBridge>().ConnectedUsers);
    }

    [Fact]
    public async Task A_device_arriving_as_the_last_one_leaves_keeps_the_node_registered()
    {
        var subscribing = new HeldGrainCall(nameof(IInboxGrain.Subscribe));
        // Renewals would mend a lost registration within the test: keep them out of reach.
        await using var server = await SeqlineServer.StartNode(_data.Path, s => s.AddSingleton<IIncomingGrainCallFilter>(subscribing),
            new Dictionary<string, string?> { ["Seqline:Push:RenewPeriod"] = "01:00:00" });
        using var alice = await ApiUser.SignIn(server, Ids.User("alice"));
        using var bob = await ApiUser.SignIn(server, Ids.User("bob"));
        var id = await alice.CreateGroup(bob.Id);
        var leaving = await ClientDevice.Connect(server, bob.Token);
        await Subscribed(server, bob.Id);

        // Bob's second device is registering the node again while his first one leaves.
        var held = subscribing.HoldNext();
        var arriving = ClientDevice.Connect(server, bob.Token);
        await held.WaitAsync(TimeSpan.FromSeconds(60));
        await leaving.DisposeAsync();
        // The node has the disconnect once the arriving connection is bob's only one there; done
        // wrong, it would now unregister the node behind the arriving device's back.
        var connections = server.Services.GetRequiredService<PushBridge>().Connections;
        await Eventually.True(() => Task.FromResult(connections.Route(bob.Id).Connection is not null), TimeSpan.FromSeconds(60), "the node to see the first device leave");
        subscribing.Release();
        await using var device = await arriving;
        await HeardHello(device);

        // Only a registration that survived brings this message: the device has no other way to learn of it.
        await SendAndAwait(alice, id, device, 1);
        Assert.Equal(1, await Inbox(server, bob.Id).CountObservers());
    }

    public void Dispose() => _data.Dispose();

    private static async Task SendAndAwait(ApiUser sender, string conversationId, ClientDevice receiver, long seq)
    {
        var response = await sender.Send(conversationId, $"message {seq}");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Eventually.True(() => Task.FromResult(receiver.MessageSeqs(conversationId).Contains(seq)), TimeSpan.FromSeconds(60), $"message {seq} to reach the device");
    }
}
