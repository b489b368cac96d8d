using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Client;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.PushWaits;

namespace Seqline.Tests.Edge;

/// <summary>
/// An edge node sends pushes for many users. A connection that does not take its pushes holds up
/// its own user's pushes (they keep their order), but no one else's.
/// </summary>
public sealed class SlowConnectionTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_stalled_connection_does_not_hold_up_another_users_push_and_its_own_pushes_keep_their_order()
    {
        var bea = Ids.User("bea");
        StalledConnections? stalled = null;
        await using var server = await SeqlineServer.StartNode(_data.Path, StalledConnections.For(bea, s => stalled = s));
        // Released on the way out too, so that a failing run does not leave the node's stop waiting on the stall.
        using var release = new ReleaseOnDispose(() => stalled?.Release());
        using var ann = await ApiUser.SignIn(server, Ids.User("ann"));
        var cid = Ids.User("cid");
        await using var beaHub = await TestHub.Connect(server, await server.Token(bea));
        await using var cidHub = await TestHub.Connect(server, await server.Token(cid));
        var beaPushes = Record(beaHub);
        var cidPushes = Record(cidHub);
        await Subscribed(server, bea, cid);
        var withBea = await ann.CreateGroup(bea);
        var withCid = await ann.CreateGroup(cid);

        // bea's connection stops taking pushes: her joined event is stuck on its way.
        await stalled!.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Send(ann, withBea, "b1");
        await Send(ann, withBea, "b2");

        // cid's pushes go out all the same.
        await Send(ann, withCid, "c1");
        await Eventually.True(() => cidPushes.Any(p => Carries(p, withCid, 1)), TimeSpan.FromSeconds(60), "cid's push while bea's connection is stalled");
        Assert.DoesNotContain(beaPushes, p => p.Events.Count > 0);

        // Once bea's connection takes pushes again, hers arrive, each following the one before.
        stalled.Release();
        await Eventually.True(() => beaPushes.Any(p => Carries(p, withBea, 2)), TimeSpan.FromSeconds(60), "bea's pushes after the stall");
        var chain = beaPushes.Where(p => p.Events.Count > 0).ToList();
        Assert.Equal([1L, 2L], chain.SelectMany(p => p.Events).Where(e => e.Type == SyncEventTypes.Message).Select(e => e.Seq));
        for (var i = 1; i < chain.Count; i++) Assert.Equal(chain[i - 1].Cursor, chain[i].PrevCursor);
    }

    private static ConcurrentQueue<PushBatch> Record(HubConnection hub)
    {
        var pushes = new ConcurrentQueue<PushBatch>();
        hub.On<PushBatch>("events", pushes.Enqueue);
        return pushes;
    }

    private static bool Carries(PushBatch push, string conversationId, long seq) =>
        push.Events.Any(e => e.Type == SyncEventTypes.Message && e.ConversationId == conversationId && e.Seq == seq);

    private static async Task Send(ApiUser sender, string conversationId, string body) =>
        Assert.Equal(HttpStatusCode.Created, (await sender.Send(conversationId, body)).StatusCode);

    public void Dispose() => _data.Dispose();

    private sealed class ReleaseOnDispose(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
