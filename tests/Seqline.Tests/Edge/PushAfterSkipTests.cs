using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Edge;

/// <summary>
/// Overload loses an item of a conversation's stream; the inboxes following it skip ahead and tell
/// devices to pull. The edge node must not wait for a push that would close the gap: none comes.
/// </summary>
public sealed class PushAfterSkipTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task After_a_lost_stream_item_the_skip_notice_and_the_pushes_after_it_go_out_without_the_reorder_wait()
    {
        var publishes = new FailingStreamPublish();
        await using var server = await SeqlineServer.StartNode(_data.Path, s => s.AddSingleton<IIncomingGrainCallFilter>(publishes), new Dictionary<string, string?>
        {
            // Held for the reorder wait, a push would not arrive within the test at all.
            ["Seqline:Push:ReorderWait"] = "00:10:00",
            // Groups of three and more are on read fan-out: their messages reach inboxes by stream.
            ["Seqline:Fanout:ReadFanoutAbove"] = "2",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
        });
        using var ann = await ApiUser.SignIn(server, Ids.User("ann"));
        var bea = Ids.User("bea");
        var beaToken = await server.Token(bea);
        await using var hub = await TestHub.Connect(server, beaToken);
        var pushes = new ConcurrentQueue<PushBatch>();
        hub.On<PushBatch>("events", pushes.Enqueue);
        await using var device = await ClientDevice.Connect(server, beaToken);
        await Subscribed(server, bea);
        await HeardHello(device);

        var id = await ann.CreateGroup(bea, Ids.User("cid"), Ids.User("dan"));
        // Pushed after the inbox follows the group's stream.
        await Arrives(pushes, p => p.Events.Any(e => e.Type == SyncEventTypes.Joined && e.ConversationId == id), "bea's join");
        await Send(ann, id, "m1");
        var first = await Arrives(pushes, p => Carries(p, id, 1), "the push of message 1");
        await Eventually.True(() => device.MessageSeqs(id).Count == 1, TimeSpan.FromSeconds(60), "message 1 on bea's device");
        var pullsBefore = device.Client.Pulls;

        // As under overload, the publish of message 2 is lost; message 3's batch shows bea's inbox the gap.
        publishes.FailNext();
        await Send(ann, id, "m2");
        await publishes.Failed.WaitAsync(TimeSpan.FromSeconds(60));
        await Send(ann, id, "m3");

        // The inbox tells devices where its head is: the notice follows no push, so devices at message 1 pull.
        var notice = await Arrives(pushes, p => p.Events.Count == 0 && p.PrevCursor == p.Cursor, "the notice of the skip", after: first);
        Assert.NotEqual(first.Cursor, notice.PrevCursor);
        // And what follows it goes out at once, chained to it.
        await Send(ann, id, "m4");
        var next = await Arrives(pushes, p => Carries(p, id, 4), "the push of message 4", after: notice);
        Assert.Equal(notice.Cursor, next.PrevCursor);

        // Still a gap to devices: bea's device pulled what the lost item carried, and has each message once, in order.
        await Eventually.True(() => device.MessageSeqs(id).Count >= 4, TimeSpan.FromSeconds(60), "bea's device to have four messages");
        Assert.Equal([1L, 2L, 3L, 4L], device.MessageSeqs(id));
        Assert.True(device.Client.Pulls > pullsBefore, "the device pulls the gap");
    }

    private static bool Carries(PushBatch push, string conversationId, long seq) =>
        push.Events.Any(e => e.Type == SyncEventTypes.Message && e.ConversationId == conversationId && e.Seq == seq);

    private static async Task Send(ApiUser sender, string conversationId, string body) =>
        Assert.Equal(HttpStatusCode.Created, (await sender.Send(conversationId, body)).StatusCode);

    // The first push to match, among those that came after the push given (compared by reference: pushes may repeat).
    private static async Task<PushBatch> Arrives(ConcurrentQueue<PushBatch> pushes, Func<PushBatch, bool> match, string what, PushBatch? after = null)
    {
        IEnumerable<PushBatch> Candidates() => after is null ? pushes : pushes.SkipWhile(p => !ReferenceEquals(p, after)).Skip(1);
        await Eventually.True(() => Candidates().Any(match), TimeSpan.FromSeconds(60), what);
        return Candidates().First(match);
    }

    public void Dispose() => _data.Dispose();
}
