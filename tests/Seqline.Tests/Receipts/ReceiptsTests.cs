using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Inboxes;
using Seqline.Receipts;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Receipts;

/// <summary>
/// Receipts others see over HTTP and real hubs on a full node and an edge-only node: delivered when a
/// device pulls or acknowledges, read when the member reads, coalesced per conversation, hidden both
/// ways on request, and none in groups over the limit or in read fan-out.
/// </summary>
public sealed class ReceiptsTests(ReceiptNodes nodes) : IClassFixture<ReceiptNodes>
{
    [Fact]
    public async Task In_a_direct_chat_the_sender_sees_delivered_when_the_recipient_pulls_and_read_when_he_reads()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        var direct = await alicesApi.CreateDirect(bob);
        var bobsCursor = (await ApiUser.Json(await bobsApi.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Edge, alice);

        var seq = await alicesApi.SendOne(direct);
        await bobsApi.WaitForInbox(bobsCursor, direct, seq);
        var delivered = await alicesPhone.Until(direct, bob, r => r.Delivered >= seq);
        Assert.Equal((0L, seq), (delivered.Read, delivered.Delivered));

        await bobsApi.Read(direct, seq);
        Assert.Equal(seq, (await alicesPhone.Until(direct, bob, r => r.Read >= seq)).Read);

        var receipts = await alicesApi.Receipts(direct);
        Assert.True(receipts.GetProperty("available").GetBoolean());
        Assert.Equal((seq, seq), (receipts.Of(bob).GetProperty("read").GetInt64(), receipts.Of(bob).GetProperty("delivered").GetInt64()));
        Assert.Single(receipts.GetProperty("members").EnumerateArray());
    }

    [Fact]
    public async Task A_device_acknowledging_a_push_over_the_hub_moves_delivered_up_to_the_last_message_and_its_own_messages_move_nothing()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Node, alice);
        await using var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);
        var seq = await alicesApi.SendOne(direct);
        await nodes.InInbox(bob, direct, seq);

        await bobsPhone.Delivered(direct, seq + 100);

        var receipt = await alicesPhone.Until(direct, bob, r => r.Delivered > 0);
        Assert.Equal((0L, seq), (receipt.Read, receipt.Delivered));
        var bobsView = await bobsPhone.GetReceipts(direct);
        Assert.True(bobsView.GetProperty("available").GetBoolean());
        Assert.Equal(alice, bobsView.GetProperty("members")[0].GetProperty("userId").GetString());

        // Alice's device acknowledging her own message tells bob nothing: his first notice is her reading his reply.
        await alicesPhone.Delivered(direct, seq);
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        var reply = await bobsApi.SendOne(direct);
        await nodes.InInbox(alice, direct, reply);
        await alicesApi.Read(direct, reply);
        Assert.Equal([new ReceiptDevice.Receipt(alice, reply, reply)], (await bobsPhone.Next()).Members);
    }

    [Fact]
    public async Task In_a_group_of_three_the_sender_sees_who_has_read()
    {
        using var three = await GroupOfThree.Create(nodes);
        var (group, alicesApi, bobsApi, carolsApi) = three;
        var (bob, carol) = (bobsApi.Id, carolsApi.Id);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Node, alicesApi.Id);
        var first = await alicesApi.SendOne(group);
        var second = await alicesApi.SendOne(group);
        await nodes.InInbox(bob, group, second);
        await nodes.InInbox(carol, group, second);

        await bobsApi.Read(group, second);
        await carolsApi.Read(group, first);

        await alicesPhone.Until(group, bob, r => r.Read == second);
        await Eventually.True(async () => (await alicesApi.Receipts(group)).Of(carol).GetProperty("read").GetInt64() == first, TimeSpan.FromSeconds(60), "carol's read");
        var receipts = await alicesApi.Receipts(group);
        long ReadOf(string id) => receipts.Of(id).GetProperty("read").GetInt64();
        // Who has read a message: members whose read position is at or past it.
        Assert.Equal([bob, carol], new[] { bob, carol }.Where(id => ReadOf(id) >= first));
        Assert.Equal([bob], new[] { bob, carol }.Where(id => ReadOf(id) >= second));
        Assert.Equal(2, receipts.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task In_a_group_a_move_is_told_only_to_the_members_whose_messages_it_passed()
    {
        using var three = await GroupOfThree.Create(nodes);
        var (group, alicesApi, bobsApi, carolsApi) = three;
        var bob = bobsApi.Id;
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Node, alicesApi.Id);
        await using var carolsPhone = await ReceiptDevice.Connect(nodes.Edge, carolsApi.Id);

        // A message from the sender, read by bob.
        async Task<long> BobReads(ApiUser sender)
        {
            var seq = await sender.SendOne(group);
            await nodes.InInbox(bob, group, seq);
            await bobsApi.Read(group, seq);
            return seq;
        }
        static async Task<List<ReceiptDevice.Receipt>> NextOf(ReceiptDevice phone, string conversationId)
        {
            var notice = await phone.Next();
            Assert.Equal(conversationId, notice.ConversationId);
            return notice.Members;
        }

        var fromAlice = await BobReads(alicesApi);
        await alicesPhone.Until(group, bob, r => r.Read == fromAlice);

        var fromCarol = await BobReads(carolsApi);
        // Carol's first notice is bob passing her message: his move over alice's went to alice alone.
        Assert.Equal([new ReceiptDevice.Receipt(bob, fromCarol, fromCarol)], await NextOf(carolsPhone, group));

        var again = await BobReads(alicesApi);
        // And alice's next is bob passing her next message, not his move over carol's.
        Assert.Equal([new ReceiptDevice.Receipt(bob, again, again)], await NextOf(alicesPhone, group));
        // Whoever asks still gets every member's position.
        Assert.Equal(again, (await carolsApi.Receipts(group)).Of(bob).GetProperty("read").GetInt64());
    }

    [Fact]
    public async Task A_group_over_the_limit_and_a_read_fan_out_group_show_no_receipts_and_send_none()
    {
        var alice = Ids.User("alice");
        var others = Enumerable.Range(0, nodes.ReadFanoutAbove).Select(i => Ids.User($"member{i}")).ToArray();
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var membersApi = await ApiUser.SignIn(nodes.Edge, others[0]);
        var tooLarge = await alicesApi.CreateGroup(others[..(nodes.MaxGroupSize)]);
        var readFanout = await alicesApi.CreateGroup(others);
        var small = await alicesApi.CreateDirect(others[0]);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Node, alice);
        var inLarge = await alicesApi.SendOne(tooLarge);
        var inReadFanout = await alicesApi.SendOne(readFanout);
        var inSmall = await alicesApi.SendOne(small);
        await nodes.InInbox(others[0], tooLarge, inLarge);
        await nodes.InInbox(others[0], readFanout, inReadFanout);
        await nodes.InInbox(others[0], small, inSmall);

        await membersApi.Read(tooLarge, inLarge);
        await membersApi.Read(readFanout, inReadFanout);
        await membersApi.Read(small, inSmall);

        // Nothing came for the two groups: the first notice alice gets is the direct chat's.
        Assert.Equal(small, (await alicesPhone.Next()).ConversationId);
        var large = await alicesApi.Receipts(tooLarge);
        Assert.Equal((false, ReceiptsUnavailable.TooLarge, 0), (large.GetProperty("available").GetBoolean(), large.GetProperty("reason").GetString(), large.GetProperty("members").GetArrayLength()));
        var read = await alicesApi.Receipts(readFanout);
        Assert.Equal((false, ReceiptsUnavailable.ReadFanout), (read.GetProperty("available").GetBoolean(), read.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Messages_of_read_fan_out_are_marked_in_pushes_and_pulls_so_devices_do_not_acknowledge_them()
    {
        var alice = Ids.User("alice");
        var others = Enumerable.Range(0, nodes.ReadFanoutAbove).Select(i => Ids.User($"member{i}")).ToArray();
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var membersApi = await ApiUser.SignIn(nodes.Edge, others[0]);
        var readFanout = await alicesApi.CreateGroup(others);
        var direct = await alicesApi.CreateDirect(others[0]);
        var cursor = (await ApiUser.Json(await membersApi.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString();
        await using var membersPhone = await ReceiptDevice.Connect(nodes.Edge, others[0]);

        var inReadFanout = await alicesApi.SendOne(readFanout);
        var inDirect = await alicesApi.SendOne(direct);

        Assert.Equal("read", (await membersPhone.PushedMessage(readFanout, inReadFanout)).GetProperty("fanout").GetString());
        Assert.False((await membersPhone.PushedMessage(direct, inDirect)).TryGetProperty("fanout", out _));
        var pulled = (await ApiUser.Json(await membersApi.Http.GetAsync($"api/sync?cursor={Uri.EscapeDataString(cursor!)}&limit=1000")))
            .GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "message").ToDictionary(e => e.GetProperty("conversationId").GetString()!);
        Assert.Equal("read", pulled[readFanout].GetProperty("fanout").GetString());
        Assert.False(pulled[direct].TryGetProperty("fanout", out _));
    }

    [Fact]
    public async Task Who_hides_read_receipts_shows_nobody_their_read_position_and_sees_nobodys_but_delivered_still_shows()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        var direct = await alicesApi.CreateDirect(bob);
        var hidden = await ApiUser.Json(await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { hideReadReceipts = true }));
        Assert.Equal((false, true), (hidden.GetProperty("hidePresence").GetBoolean(), hidden.GetProperty("hideReadReceipts").GetBoolean()));
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Node, alice);
        await using var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);

        var fromAlice = await alicesApi.SendOne(direct);
        await nodes.InInbox(bob, direct, fromAlice);
        await bobsApi.Read(direct, fromAlice);
        var seenByAlice = await alicesPhone.Until(direct, bob, r => r.Delivered == fromAlice);
        Assert.Null(seenByAlice.Read);
        Assert.False((await alicesApi.Receipts(direct)).Of(bob).TryGetProperty("read", out _));

        var fromBob = await bobsApi.SendOne(direct);
        await nodes.InInbox(alice, direct, fromBob);
        await alicesApi.Read(direct, fromBob);
        var seenByBob = await bobsPhone.Until(direct, alice, r => r.Delivered == fromBob);
        Assert.Null(seenByBob.Read);
        Assert.False((await bobsApi.Receipts(direct)).Of(alice).TryGetProperty("read", out _));

        // Shown again, both ways, and alice's devices learn bob's position without him reading again.
        var shown = await ApiUser.Json(await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { hideReadReceipts = false }));
        Assert.False(shown.GetProperty("hideReadReceipts").GetBoolean());
        Assert.Equal(fromBob, (await alicesPhone.Until(direct, bob, r => r.Read is not null)).Read);
        Assert.Equal(fromBob, (await bobsApi.Receipts(direct)).Of(alice).GetProperty("read").GetInt64());
    }

    [Fact]
    public async Task Moves_within_the_interval_reach_members_as_one_notice_with_the_newest_positions()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Edge, alice);
        var receipts = nodes.Grains.GetGrain<IConversationReceipts>(direct);

        // After a quiet interval a move goes at once, alone (the moves after it may or may not
        // have arrived by then, so the test waits for this notice before making them).
        await receipts.Moved(new ReceiptMove(bob, 1, 1, false));
        Assert.Equal([new ReceiptDevice.Receipt(bob, 1, 1)], (await alicesPhone.Next()).Members);

        // Right after a notice: these wait for the interval's end and go as one, with the newest positions.
        await receipts.Moved(new ReceiptMove(bob, 2, 2, false));
        await receipts.Moved(new ReceiptMove(bob, 3, 4, false));
        Assert.Equal([new ReceiptDevice.Receipt(bob, 3, 4)], (await alicesPhone.Next()).Members);

        // And so do the next interval's.
        await receipts.Moved(new ReceiptMove(bob, 5, 5, false));
        await receipts.Moved(new ReceiptMove(bob, 6, 6, false));
        Assert.Equal([new ReceiptDevice.Receipt(bob, 6, 6)], (await alicesPhone.Next()).Members);
    }

    [Fact]
    public async Task Notices_of_several_conversations_within_the_users_pace_reach_the_device_as_one_message()
    {
        var (alice, bob, carol, dave) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.User("dave"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var (withBob, withCarol, withDave) = (await alicesApi.CreateDirect(bob), await alicesApi.CreateDirect(carol), await alicesApi.CreateDirect(dave));
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Edge, alice);
        IConversationReceipts Receipts(string id) => nodes.Grains.GetGrain<IConversationReceipts>(id);

        var batchesBefore = await ReceiptsManySent(nodes.Edge);

        // After a quiet pace alice's inbox hands a notice over at once, alone.
        await Receipts(withBob).Moved(new ReceiptMove(bob, 1, 1, false));
        Assert.Equal(withBob, (await alicesPhone.Next()).ConversationId);

        // Right after it, two other conversations move (each at once, as neither has sent a notice
        // for a while): their notices wait for the end of alice's pace and go as one hub message.
        await Receipts(withCarol).Moved(new ReceiptMove(carol, 2, 2, false));
        await Receipts(withDave).Moved(new ReceiptMove(dave, 0, 3, false));
        var (first, second) = (await alicesPhone.Next(), await alicesPhone.Next());
        Assert.Equal(new[] { withCarol, withDave }.Order(), new[] { first.ConversationId, second.ConversationId }.Order());
        Assert.Equal([new ReceiptDevice.Receipt(carol, 2, 2)], (first.ConversationId == withCarol ? first : second).Members);
        Assert.Equal([new ReceiptDevice.Receipt(dave, 0, 3)], (first.ConversationId == withDave ? first : second).Members);
        Assert.Equal([[withBob], new[] { withCarol, withDave }.Order().ToList()], alicesPhone.NoticeMessages.Select(m => m.Order().ToList()));
        // The edge node counts what it handed over (seqline.notices.sent) by hub method.
        await Eventually.True(async () => await ReceiptsManySent(nodes.Edge) >= batchesBefore + 1, TimeSpan.FromSeconds(60), "the edge node to count the receiptsMany");
    }

    private static async Task<double> ReceiptsManySent(SeqlineServer node) =>
        (await node.ScrapeMetrics()).Sum("seqline_notices_sent_total", ("method", Seqline.Api.Push.PushBridge.ReceiptsManyMethod)) ?? 0;

    [Fact]
    public async Task Notices_waiting_for_the_users_pace_ride_on_the_next_push_to_the_users_devices()
    {
        var (alice, bob, carol, dave) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"), Ids.User("dave"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var davesApi = await ApiUser.SignIn(nodes.Node, dave);
        var (withBob, withCarol, withDave) = (await alicesApi.CreateDirect(bob), await alicesApi.CreateDirect(carol), await alicesApi.CreateDirect(dave));
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Edge, alice);
        // Straight to alice's inbox, so each notice is waiting there before the test goes on.
        var inbox = nodes.Grains.GetGrain<IInboxReceipts>(alice);
        var ridingBefore = await NoticesSent(nodes.Edge, Seqline.Api.Push.PushBridge.EventsMethod);

        // After a quiet pace a notice goes at once, on its own; one right after it waits for the
        // pace's end, goes on its own too, and makes the next pace twice as long.
        await inbox.Receipts(new ReceiptsNotice(withBob, [new MemberReceipt(bob, 1, 1)]));
        Assert.Equal(withBob, (await alicesPhone.Next()).ConversationId);
        await inbox.Receipts(new ReceiptsNotice(withBob, [new MemberReceipt(bob, 2, 2)]));
        Assert.Equal(withBob, (await alicesPhone.Next()).ConversationId);

        // Two more wait for the end of that longer pace; dave's message, pushed to alice first, takes both along.
        await inbox.Receipts(new ReceiptsNotice(withCarol, [new MemberReceipt(carol, 3, 3)]));
        await inbox.Receipts(new ReceiptsNotice(withBob, [new MemberReceipt(bob, 4, 4)]));
        var seq = await davesApi.SendOne(withDave);
        var (first, second) = (await alicesPhone.Next(), await alicesPhone.Next());
        await alicesPhone.Pushed(withDave, seq);

        Assert.Equal([[withBob], [withBob]], alicesPhone.NoticeMessages);
        Assert.Equal(new[] { withBob, withCarol }.Order(), alicesPhone.RidingNotices.Single().Order());
        Assert.Equal([new ReceiptDevice.Receipt(bob, 4, 4)], (first.ConversationId == withBob ? first : second).Members);
        // The edge counts notices that rode on a push under the events method.
        await Eventually.True(async () => await NoticesSent(nodes.Edge, Seqline.Api.Push.PushBridge.EventsMethod) >= ridingBefore + 1,
            TimeSpan.FromSeconds(60), "the edge node to count the riding receipts");
    }

    [Fact]
    public async Task Receipts_riding_on_a_push_the_edge_drops_reach_the_devices_on_their_own()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Edge, alice);
        var bridge = nodes.Edge.Services.GetRequiredService<Seqline.Api.Push.PushBridge>();

        // A push that follows alice's head goes out; one older than it comes after, with receipts riding,
        // and the edge drops it as stale: no pull would bring the receipts back, so they go on their own.
        await bridge.OnPush(new Seqline.Push.InboxPush(alice, [], alicesPhone.Head, "after", new Seqline.Push.PushOrder(1, 100, 0)));
        await bridge.OnPush(new Seqline.Push.InboxPush(alice, [], "older", "older-after", new Seqline.Push.PushOrder(1, 50, 0),
            [new ReceiptsNotice(direct, [new MemberReceipt(bob, 1, 1)])]));

        await CameOnItsOwn(alicesPhone, direct, new ReceiptDevice.Receipt(bob, 1, 1));
    }

    // The only receipts the device got: one notice in a hub message of its own, none on a push.
    private static async Task CameOnItsOwn(ReceiptDevice device, string conversationId, ReceiptDevice.Receipt receipt)
    {
        var notice = await device.Next();
        Assert.Equal(conversationId, notice.ConversationId);
        Assert.Equal([receipt], notice.Members);
        Assert.Equal([[conversationId]], device.NoticeMessages);
        Assert.Empty(device.RidingNotices);
    }

    [Fact]
    public async Task Receipts_riding_on_a_push_an_interceptor_drops_reach_the_devices_on_their_own()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Edge, alice);
        var bridge = nodes.Edge.Services.GetRequiredService<Seqline.Api.Push.PushBridge>();
        nodes.EdgePushes.Drop = push => push.UserId == alice;
        try
        {
            await bridge.OnPush(new Seqline.Push.InboxPush(alice, [], alicesPhone.Head, "after", new Seqline.Push.PushOrder(1, 100, 0),
                [new ReceiptsNotice(direct, [new MemberReceipt(bob, 1, 1)])]));

            await CameOnItsOwn(alicesPhone, direct, new ReceiptDevice.Receipt(bob, 1, 1));
        }
        finally
        {
            nodes.EdgePushes.Drop = null;
        }
    }

    private static async Task<double> NoticesSent(SeqlineServer node, string method) =>
        (await node.ScrapeMetrics()).Sum("seqline_notices_sent_total", ("method", method)) ?? 0;

    [Fact]
    public async Task Strangers_and_bad_input_are_refused_and_change_nothing()
    {
        var (alice, bob, mallory) = (Ids.User("alice"), Ids.User("bob"), Ids.User("mallory"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var bobsApi = await ApiUser.SignIn(nodes.Node, bob);
        using var mallorysApi = await ApiUser.SignIn(nodes.Edge, mallory);
        var direct = await alicesApi.CreateDirect(bob);
        var seq = await alicesApi.SendOne(direct);
        await using var mallorysPhone = await ReceiptDevice.Connect(nodes.Edge, mallory);

        await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync($"api/conversations/{direct}/receipts"), HttpStatusCode.NotFound, "not_found");
        await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync($"api/conversations/{Ids.Conversation()}/receipts"), HttpStatusCode.NotFound, "not_found");
        await ApiUser.AssertProblem(await mallorysApi.Http.GetAsync("api/conversations/not%20an%20id/receipts"), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await mallorysApi.Http.PostAsJsonAsync($"api/conversations/{direct}/delivered", new { seq }), HttpStatusCode.NotFound, "not_found");
        await TestHub.AssertRefused(() => mallorysPhone.Delivered(direct, seq), "not_found", "a stranger acknowledging");
        await TestHub.AssertRefused(() => mallorysPhone.GetReceipts(direct), "not_found", "a stranger asking");
        await ApiUser.AssertProblem(await bobsApi.Http.PostAsJsonAsync($"api/conversations/{direct}/delivered", new { seq = -1 }), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await bobsApi.Http.PostAsJsonAsync($"api/conversations/{direct}/delivered", new { }), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { }), HttpStatusCode.BadRequest, "invalid");

        var receipts = await alicesApi.Receipts(direct);
        Assert.Equal((0L, 0L), (receipts.Of(bob).GetProperty("read").GetInt64(), receipts.Of(bob).GetProperty("delivered").GetInt64()));
        var settings = await ApiUser.Json(await bobsApi.Http.GetAsync("api/me/settings"));
        Assert.False(settings.GetProperty("hideReadReceipts").GetBoolean());
        await Eventually.True(async () =>
        {
            Assert.Equal(HttpStatusCode.NoContent, (await bobsApi.Http.PostAsJsonAsync($"api/conversations/{direct}/delivered", new { seq })).StatusCode);
            return (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64() == seq;
        }, TimeSpan.FromSeconds(60), "bob's delivered position");
    }
}
