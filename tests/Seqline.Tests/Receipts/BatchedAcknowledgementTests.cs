using System.Net.Http.Json;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Receipts;

/// <summary>
/// The hub's batched acknowledgement (<c>DeliveredMany</c>) over real hubs on a full node and an
/// edge-only node: one message moves the delivered position in every conversation it names, as far
/// as the node pushed to the caller, skips the rest, keeps the caller's setting on read receipts,
/// and a bad batch is refused whole.
/// </summary>
public sealed class BatchedAcknowledgementTests(ReceiptNodes nodes) : IClassFixture<ReceiptNodes>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_message_moves_delivered_in_each_conversation_it_names_capped_at_the_last_message_and_skips_the_others()
    {
        var (alice, bob, carol) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        var group = await alicesApi.CreateGroup(bob, carol);
        var notBobs = await alicesApi.CreateDirect(carol);
        await using var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);
        var inDirect = await alicesApi.SendOne(direct);
        var inGroup = await alicesApi.SendOne(group);
        var inNotBobs = await alicesApi.SendOne(notBobs);
        await bobsPhone.Pushed(direct, inDirect);
        await bobsPhone.Pushed(group, inGroup);

        await bobsPhone.DeliveredMany(
            new { conversationId = direct, seq = inDirect + 100 },
            new { conversationId = group, seq = inGroup },
            new { conversationId = notBobs, seq = inNotBobs },
            new { conversationId = Ids.Conversation(), seq = 1L });

        await Eventually.True(async () =>
            (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64() == inDirect
            && (await alicesApi.Receipts(group)).Of(bob).GetProperty("delivered").GetInt64() == inGroup, Wait, "bob's delivered positions from one acknowledgement");
        Assert.Equal(0, (await alicesApi.Receipts(group)).Of(carol).GetProperty("delivered").GetInt64());
        Assert.DoesNotContain((await alicesApi.Receipts(notBobs)).GetProperty("members").EnumerateArray(), m => m.GetProperty("userId").GetString() == bob);
    }

    [Fact]
    public async Task A_bad_batch_is_refused_whole_and_keeps_nothing_of_its_good_entries()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        var group = await alicesApi.CreateGroup(bob, Ids.User("erin"));
        await using var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);
        var inDirect = await alicesApi.SendOne(direct);
        var inGroup = await alicesApi.SendOne(group);
        await bobsPhone.Pushed(direct, inDirect);
        await bobsPhone.Pushed(group, inGroup);
        var good = new { conversationId = direct, seq = inDirect };

        await TestHub.AssertRefused(() => bobsPhone.DeliveredMany(), "invalid", "no positions");
        await TestHub.AssertRefused(() => bobsPhone.DeliveredMany(good, new { conversationId = direct, seq = -1L }), "invalid", "a negative seq");
        await TestHub.AssertRefused(() => bobsPhone.DeliveredMany(good, new { conversationId = "not an id", seq = 1L }), "invalid", "a bad id");
        await TestHub.AssertRefused(() => bobsPhone.DeliveredMany(good, null), "invalid", "a missing entry");
        await TestHub.AssertRefused(() => bobsPhone.DeliveredMany([.. Enumerable.Repeat<object?>(good, Api.Endpoints.ReceiptCalls.MaxPositionsPerCall + 1)]), "invalid", "too many positions");
        await TestHub.AssertRefused(() => bobsPhone.DeliveredMany(new { seq = 1L }), "invalid", "an entry without a conversation");

        // A good batch after the bad ones: once it shows, anything kept of the bad ones would show too.
        await bobsPhone.DeliveredMany(new { conversationId = group, seq = inGroup });
        await Eventually.True(async () => (await alicesApi.Receipts(group)).Of(bob).GetProperty("delivered").GetInt64() == inGroup, Wait, "the good batch");
        Assert.Equal(0, (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64());
    }

    [Fact]
    public async Task Messages_the_node_did_not_push_to_the_caller_are_not_delivered_by_naming_them()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        var direct = await alicesApi.CreateDirect(bob);
        var before = await alicesApi.SendOne(direct);
        await nodes.InInbox(bob, direct, before);
        await using var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);

        // Sent before bob's device connected: it gets it by pulling (which counts, through the inbox), not from a push here.
        await bobsPhone.DeliveredMany(new { conversationId = direct, seq = before });
        var pushed = await alicesApi.SendOne(direct);
        await bobsPhone.Pushed(direct, pushed);
        var group = await alicesApi.CreateGroup(bob, Ids.User("erin"));
        var inGroup = await alicesApi.SendOne(group);
        await bobsPhone.Pushed(group, inGroup);
        await bobsPhone.DeliveredMany(new { conversationId = group, seq = inGroup });

        // Once the later acknowledgement shows, the earlier one would have.
        await Eventually.True(async () => (await alicesApi.Receipts(group)).Of(bob).GetProperty("delivered").GetInt64() == inGroup, Wait, "the group's acknowledgement");
        Assert.Equal(0, (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64());
    }

    [Fact]
    public async Task A_member_who_hides_read_receipts_keeps_hiding_them_when_an_acknowledgement_is_the_first_the_receipts_hear_of_him()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        using var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await bobsApi.Http.PutAsJsonAsync("api/me/settings", new { hideReadReceipts = true })).StatusCode);
        var direct = await alicesApi.CreateDirect(bob);
        await using var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);
        var seq = await alicesApi.SendOne(direct);
        await bobsPhone.Pushed(direct, seq);

        await bobsPhone.DeliveredMany(new { conversationId = direct, seq });

        await Eventually.True(async () => (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64() == seq, Wait, "bob's delivered position");
        Assert.False((await alicesApi.Receipts(direct)).Of(bob).TryGetProperty("read", out _), "bob hides his read position");
    }
}
