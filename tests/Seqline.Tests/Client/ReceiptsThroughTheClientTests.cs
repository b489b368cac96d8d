using Microsoft.Extensions.Time.Testing;
using Seqline.Client;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Receipts;

namespace Seqline.Tests.Client;

/// <summary>Receipts through the client library, against a full node and an edge-only node.</summary>
public sealed class ReceiptsThroughTheClientTests(ReceiptNodes nodes) : IClassFixture<ReceiptNodes>
{
    [Fact]
    public async Task A_pushed_message_is_acknowledged_by_itself_and_the_sender_sees_it_delivered_then_read()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        await using var bobsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(bob));
        var notices = new System.Collections.Concurrent.ConcurrentQueue<ReceiptsNotice>();
        alicesPhone.Client.ReceiptsReceived += n =>
        {
            notices.Enqueue(n);
            return Task.CompletedTask;
        };
        var direct = (await alicesPhone.Client.CreateConversationAsync([bob], kind: ConversationKinds.Direct)).ConversationId;
        var receipts = await alicesPhone.Client.GetReceiptsAsync(direct);
        Assert.Equal(new MemberReceipt(bob, 0, 0), Assert.Single(receipts.Members));

        var seq = (await alicesPhone.Client.SendAsync(direct, "hello")).Seq;
        await Eventually.True(() => notices.Aggregate(receipts, (r, n) => r.With(n)).DeliveredTo(seq).Contains(bob), TimeSpan.FromSeconds(60), "bob's device to acknowledge the push");
        Assert.Empty(notices.Aggregate(receipts, (r, n) => r.With(n)).ReadBy(seq));

        await bobsPhone.Client.MarkReadAsync(direct, seq);
        await Eventually.True(() => notices.Aggregate(receipts, (r, n) => r.With(n)).ReadBy(seq).Contains(bob), TimeSpan.FromSeconds(60), "bob's read to reach alice");
        Assert.Equal([bob], (await alicesPhone.Client.GetReceiptsAsync(direct)).ReadBy(seq));
    }

    [Fact]
    public async Task Acknowledgements_within_the_interval_wait_for_its_end_and_go_as_one_with_the_newest_seq()
    {
        var bobsClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pair = await FirstAcknowledged(bobsClock);
        var (alicesPhone, bobsPhone, bob, direct, received) = pair;

        await alicesPhone.Client.SendAsync(direct, "two");
        var third = (await alicesPhone.Client.SendAsync(direct, "three")).Seq;
        await Eventually.True(() => received.Contains(third), TimeSpan.FromSeconds(60), "bob's device to get the third message");
        bobsClock.Advance(SeqlineClientOptions.DefaultAcknowledgeDeliveries);
        await Eventually.True(async () => (await alicesPhone.Client.GetReceiptsAsync(direct)).DeliveredTo(third).Contains(bob), TimeSpan.FromSeconds(60), "the waiting acknowledgement with the newest seq");
    }

    [Fact]
    public async Task Acknowledgements_waiting_for_the_pace_ride_on_the_devices_next_send()
    {
        // Bob's clock never moves: an acknowledgement that waits for the pace can only go with a send.
        await using var pair = await FirstAcknowledged(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var (alicesPhone, bobsPhone, bob, direct, received) = pair;

        var second = (await alicesPhone.Client.SendAsync(direct, "two")).Seq;
        await Eventually.True(() => received.Contains(second), TimeSpan.FromSeconds(60), "bob's device to get the second message");

        // The device notes its acknowledgement just after raising the message, so a send right then may
        // carry none yet: bob replies until one has carried it (without riding, no number of sends would).
        await Eventually.True(async () =>
        {
            await bobsPhone.Client.SendAsync(direct, "got it");
            return (await alicesPhone.Client.GetReceiptsAsync(direct)).DeliveredTo(second).Contains(bob);
        }, TimeSpan.FromSeconds(60), "the acknowledgement riding on bob's send");
    }

    [Fact]
    public async Task A_device_that_pauses_acknowledgements_sends_none_until_it_resumes()
    {
        // Carol's device is the control: the same pushes, sends and clock, acknowledging all along.
        var (alice, bob, carol) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        var (bobsClock, carolsClock) = (new FakeTimeProvider(DateTimeOffset.UtcNow), new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        await using var bobsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(bob), configure: o => o.TimeProvider = bobsClock);
        await using var carolsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(carol), configure: o => o.TimeProvider = carolsClock);
        var received = new System.Collections.Concurrent.ConcurrentBag<(string User, long Seq)>();
        bobsPhone.Client.MessageReceived += e => { received.Add((bob, e.Seq)); return Task.CompletedTask; };
        carolsPhone.Client.MessageReceived += e => { received.Add((carol, e.Seq)); return Task.CompletedTask; };
        var group = (await alicesPhone.Client.CreateConversationAsync([bob, carol])).ConversationId;
        Assert.True(bobsPhone.Client.AcknowledgingDeliveries);

        bobsPhone.Client.AcknowledgingDeliveries = false;
        Assert.False(bobsPhone.Client.AcknowledgingDeliveries);
        var seq = (await alicesPhone.Client.SendAsync(group, "hello")).Seq;
        await Eventually.True(() => received.Contains((bob, seq)) && received.Contains((carol, seq)), TimeSpan.FromSeconds(60), "both devices to get the message");
        // Both reply and let their paces pass, until carol's acknowledgement (riding or on its own) has
        // reached alice: bob's, had he not paused, went the same ways at the same times.
        await Eventually.True(async () =>
        {
            await bobsPhone.Client.SendAsync(group, "from bob");
            await carolsPhone.Client.SendAsync(group, "from carol");
            bobsClock.Advance(SeqlineClientOptions.DefaultAcknowledgeDeliveriesWhenBusy);
            carolsClock.Advance(SeqlineClientOptions.DefaultAcknowledgeDeliveriesWhenBusy);
            return (await alicesPhone.Client.GetReceiptsAsync(group)).DeliveredTo(seq).Contains(carol);
        }, TimeSpan.FromSeconds(60), "carol's acknowledgement");
        Assert.DoesNotContain(bob, (await alicesPhone.Client.GetReceiptsAsync(group)).DeliveredTo(seq));

        bobsPhone.Client.AcknowledgingDeliveries = true;
        var next = (await alicesPhone.Client.SendAsync(group, "again")).Seq;
        await Eventually.True(() => received.Contains((bob, next)), TimeSpan.FromSeconds(60), "bob's device to get the next message");
        await Eventually.True(async () =>
        {
            await bobsPhone.Client.SendAsync(group, "back");
            bobsClock.Advance(SeqlineClientOptions.DefaultAcknowledgeDeliveriesWhenBusy);
            return (await alicesPhone.Client.GetReceiptsAsync(group)).DeliveredTo(next).Contains(bob);
        }, TimeSpan.FromSeconds(60), "bob's acknowledgement after resuming");
    }

    [Fact]
    public async Task The_hide_setting_and_refusals()
    {
        var (alice, bob, mallory) = (Ids.User("alice"), Ids.User("bob"), Ids.User("mallory"));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        await using var bobsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(bob));
        await using var mallorysPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(mallory));
        var direct = (await alicesPhone.Client.CreateConversationAsync([bob], kind: ConversationKinds.Direct)).ConversationId;
        var seq = (await alicesPhone.Client.SendAsync(direct, "hello")).Seq;

        Assert.Equal(new UserSettings(false, true), await bobsPhone.Client.SetHideReadReceiptsAsync(true));
        Assert.Equal(new UserSettings(true, true), await bobsPhone.Client.SetHidePresenceAsync(true));
        Assert.Equal(new UserSettings(true, true), await bobsPhone.Client.GetSettingsAsync());
        await Eventually.True(async () => (await bobsPhone.Client.GetConversationsAsync()).Any(c => c.LastSeq == seq), TimeSpan.FromSeconds(60), "the message in bob's inbox");
        await bobsPhone.Client.MarkReadAsync(direct, seq);
        await Eventually.True(async () => (await alicesPhone.Client.GetReceiptsAsync(direct)).DeliveredTo(seq).Contains(bob), TimeSpan.FromSeconds(60), "bob's position");
        Assert.Null((await alicesPhone.Client.GetReceiptsAsync(direct)).Members.Single().Read);
        Assert.Null((await bobsPhone.Client.GetReceiptsAsync(direct)).Members.Single().Read);

        var refused = await Assert.ThrowsAsync<SeqlineApiException>(() => mallorysPhone.Client.GetReceiptsAsync(direct));
        Assert.Equal(("not_found", 404), (refused.Code, refused.Status));
        var ack = await Assert.ThrowsAsync<SeqlineApiException>(() => mallorysPhone.Client.AcknowledgeDeliveredAsync(direct, seq));
        Assert.Equal(("not_found", 404), (ack.Code, ack.Status));
    }

    /// <summary>
    /// Alice's direct conversation with bob, whose device runs on <paramref name="bobsClock"/> and notes the
    /// seqs it gets; her first message is acknowledged (at once, as the first after a quiet pace is).
    /// </summary>
    private async Task<Pair> FirstAcknowledged(FakeTimeProvider bobsClock)
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        var bobsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(bob), configure: o => o.TimeProvider = bobsClock);
        var received = new System.Collections.Concurrent.ConcurrentBag<long>();
        bobsPhone.Client.MessageReceived += e =>
        {
            received.Add(e.Seq);
            return Task.CompletedTask;
        };
        var direct = (await alicesPhone.Client.CreateConversationAsync([bob], kind: ConversationKinds.Direct)).ConversationId;
        var first = (await alicesPhone.Client.SendAsync(direct, "one")).Seq;
        await Eventually.True(async () => (await alicesPhone.Client.GetReceiptsAsync(direct)).DeliveredTo(first).Contains(bob), TimeSpan.FromSeconds(60), "the first acknowledgement, at once");
        return new Pair(alicesPhone, bobsPhone, bob, direct, received);
    }

    private sealed record Pair(ClientDevice AlicesPhone, ClientDevice BobsPhone, string Bob, string Direct, System.Collections.Concurrent.ConcurrentBag<long> Received) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await BobsPhone.DisposeAsync();
            await AlicesPhone.DisposeAsync();
        }
    }

    [Fact]
    public async Task Notices_of_several_conversations_in_one_hub_message_are_raised_one_per_conversation()
    {
        var (alice, bob, carol, dave) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.User("dave"));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(alice));
        var notices = Raised(alicesPhone);
        var (withBob, withCarol, withDave) = (await Direct(alicesPhone, bob), await Direct(alicesPhone, carol), await Direct(alicesPhone, dave));
        Seqline.Receipts.IConversationReceipts Receipts(string id) => nodes.Grains.GetGrain<Seqline.Receipts.IConversationReceipts>(id);

        // A first notice, once the device's push registration is in place, starts alice's pace...
        var seq = 0;
        await Eventually.True(async () =>
        {
            await Receipts(withBob).Moved(new Seqline.Receipts.ReceiptMove(bob, 0, ++seq, false));
            return !notices.IsEmpty;
        }, TimeSpan.FromSeconds(60), "a first notice through alice's inbox");

        // ...so the two moves right after it reach her device together, in one receiptsMany.
        await Receipts(withCarol).Moved(new Seqline.Receipts.ReceiptMove(carol, 2, 2, false));
        await Receipts(withDave).Moved(new Seqline.Receipts.ReceiptMove(dave, 1, 3, false));
        await Eventually.True(() => notices.Any(n => n.ConversationId == withCarol) && notices.Any(n => n.ConversationId == withDave),
            TimeSpan.FromSeconds(60), "the notices of both conversations raised");
        Assert.Equal(new MemberReceipt(carol, 2, 2), Assert.Single(notices.Single(n => n.ConversationId == withCarol).Members));
        Assert.Equal(new MemberReceipt(dave, 1, 3), Assert.Single(notices.Single(n => n.ConversationId == withDave).Members));
    }

    [Fact]
    public async Task Notices_riding_on_a_push_are_raised_one_per_conversation()
    {
        var (alice, bob, carol, dave) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.User("dave"));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(alice));
        using var davesApi = await ApiUser.SignIn(nodes.Node, dave);
        var notices = Raised(alicesPhone);
        var (withBob, withCarol, withDave) = (await Direct(alicesPhone, bob), await Direct(alicesPhone, carol), await Direct(alicesPhone, dave));
        var inbox = nodes.Grains.GetGrain<Seqline.Inboxes.IInboxReceipts>(alice);
        static Seqline.Receipts.ReceiptsNotice Notice(string id, string member, long seq) => new(id, [new Seqline.Receipts.MemberReceipt(member, seq, seq)]);

        // A first notice once the device's push registration is in place, then one right after it:
        // alice's pace is now twice as long, so the next notices wait for a while.
        var seq = 0;
        await Eventually.True(async () =>
        {
            await inbox.Receipts(Notice(withBob, bob, ++seq));
            return !notices.IsEmpty;
        }, TimeSpan.FromSeconds(60), "a first notice through alice's inbox");
        await inbox.Receipts(Notice(withBob, bob, ++seq));
        await Eventually.True(() => notices.Any(n => n.Members[0].Delivered == seq), TimeSpan.FromSeconds(60), "the notice after it, at the pace's end");

        // These two ride on the push of dave's message: only that brings them to a client that reads them there.
        await inbox.Receipts(Notice(withCarol, carol, 7));
        await inbox.Receipts(Notice(withBob, bob, 8));
        await davesApi.SendOne(withDave);
        await Eventually.True(() => notices.Any(n => n.ConversationId == withCarol) && notices.Any(n => n.Members[0].Delivered == 8),
            TimeSpan.FromSeconds(60), "the riding notices of both conversations raised");
        Assert.Equal(new MemberReceipt(carol, 7, 7), Assert.Single(notices.Single(n => n.ConversationId == withCarol).Members));
    }

    // The notices the device's client raises, as they come.
    private static System.Collections.Concurrent.ConcurrentQueue<ReceiptsNotice> Raised(ClientDevice device)
    {
        var notices = new System.Collections.Concurrent.ConcurrentQueue<ReceiptsNotice>();
        device.Client.ReceiptsReceived += n =>
        {
            notices.Enqueue(n);
            return Task.CompletedTask;
        };
        return notices;
    }

    private static async Task<string> Direct(ClientDevice device, string other) =>
        (await device.Client.CreateConversationAsync([other], kind: ConversationKinds.Direct)).ConversationId;
}
