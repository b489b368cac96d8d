using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Push;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Edge;

/// <summary>
/// A push an inbox sends to an edge node after the user's last device there left, before the inbox
/// heard of it, goes nowhere. Kept, it set the node's order for the user to a cursor that no later
/// push follows, and once a device connected again every push to it waited the reorder window.
/// </summary>
public sealed class PushToAbsentUserTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_push_after_the_last_device_left_is_dropped_and_after_a_reconnect_pushes_go_out_at_once()
    {
        // Held before it leaves the node: the inbox stays free, and still pushes to the node meanwhile.
        var unsubscribing = new HeldGrainCall(nameof(IInboxGrain.Unsubscribe));
        var pushes = new PushRecorder();
        await using var server = await SeqlineServer.StartNode(_data.Path, s =>
        {
            s.AddSingleton<IOutgoingGrainCallFilter>(unsubscribing);
            s.AddSingleton<IPushInterceptor>(pushes);
        }, new Dictionary<string, string?>
        {
            // Held for the reorder wait, a push would not arrive within the test at all.
            ["Seqline:Push:ReorderWait"] = "00:10:00",
            ["Seqline:Push:RenewPeriod"] = "01:00:00",
        });
        using var ann = await ApiUser.SignIn(server, Ids.User("ann"));
        using var bea = await ApiUser.SignIn(server, Ids.User("bea"));
        var id = await ann.CreateGroup(bea.Id);
        var leaving = await ClientDevice.Connect(server, bea.Token);
        await Subscribed(server, bea.Id);

        // Bea's last device leaves; while the node is still unregistering from her inbox, a message is pushed to it.
        var held = unsubscribing.HoldNext();
        await leaving.DisposeAsync();
        await held.WaitAsync(TimeSpan.FromSeconds(60));
        await Send(ann, id, "while she leaves");
        await Eventually.True(() => pushes.MessagesTo(bea.Id).Contains((id, 1L)), TimeSpan.FromSeconds(60), "the push of message 1 to reach the node");
        unsubscribing.Release();
        await Eventually.True(async () => await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IInboxGrain>(bea.Id).CountObservers() == 0,
            TimeSpan.FromSeconds(60), "the node to unregister");
        // Her inbox moves on while nobody listens.
        await Send(ann, id, "while she is away");

        await using var device = await ClientDevice.Connect(server, bea.Token);
        await Subscribed(server, bea.Id);
        await HeardHello(device);
        // Counted as received, applied or not: a pull the connect queued may still bring message 3
        // first, and then its push does not follow the device's cursor. Held, it would not come at all.
        var pushesBefore = device.Client.PushesApplied + device.Client.PushesIgnored;

        await Send(ann, id, "welcome back");
        await Eventually.True(() => device.Client.PushesApplied + device.Client.PushesIgnored > pushesBefore, TimeSpan.FromSeconds(60),
            "message 3 pushed without the reorder wait");
        await Eventually.True(() => device.MessageSeqs(id).Contains(3), TimeSpan.FromSeconds(60), "message 3 to reach the device");
    }

    public void Dispose() => _data.Dispose();

    private static async Task Send(ApiUser sender, string conversationId, string body) =>
        Assert.Equal(HttpStatusCode.Created, (await sender.Send(conversationId, body)).StatusCode);
}
