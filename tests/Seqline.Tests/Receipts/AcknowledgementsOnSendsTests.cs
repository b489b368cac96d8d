using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Receipts;

/// <summary>
/// Acknowledgements riding on a send (its <c>delivered</c> field) over HTTP and the hub's <c>Send</c>,
/// on a full node and an edge-only node: kept as <c>DeliveredMany</c>'s once the message is stored,
/// the conversations a node skipped named in a header (the request may reach another node than the
/// device's hub connection), and nothing kept of a send that is refused.
/// </summary>
public sealed class AcknowledgementsOnSendsTests(ReceiptNodes nodes) : IClassFixture<ReceiptNodes>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const string SkippedHeader = "Seqline-Delivered-Skipped";

    [Fact]
    public async Task A_send_to_the_node_that_pushed_moves_delivered_and_names_what_it_skipped()
    {
        await using var scene = await Scene.Start(nodes);
        var (alicesApi, bobsPhone, bob, carol, direct, group, inDirect, inGroup) = scene;
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        var notBobs = await alicesApi.CreateDirect(carol);
        var before = await Acknowledgements(nodes.Edge);

        var response = await SendWith(bobsApi, direct,
            new { conversationId = direct, seq = inDirect + 100 },
            new { conversationId = group, seq = inGroup },
            new { conversationId = notBobs, seq = 1L });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([notBobs], response.Headers.GetValues(SkippedHeader));
        await CountedOnce(before, (0, 1));
        await Eventually.True(async () =>
            (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64() == inDirect
            && (await alicesApi.Receipts(group)).Of(bob).GetProperty("delivered").GetInt64() == inGroup, Wait, "bob's delivered positions from his send");

        // Nothing skipped: no header at all.
        var again = await alicesApi.SendOne(group);
        await bobsPhone.Pushed(group, again);
        Assert.False((await SendWith(bobsApi, group, new { conversationId = group, seq = again })).Headers.Contains(SkippedHeader));
        await Eventually.True(async () => (await alicesApi.Receipts(group)).Of(bob).GetProperty("delivered").GetInt64() == again, Wait, "the second send's acknowledgement");
    }

    [Fact]
    public async Task A_send_to_another_node_than_the_one_that_pushed_keeps_nothing_and_names_every_conversation()
    {
        await using var scene = await Scene.Start(nodes);
        var (_, _, bob, _, direct, group, inDirect, inGroup) = scene;
        using var bobsApiElsewhere = await ApiUser.SignIn(nodes.Node, bob);

        var response = await SendWith(bobsApiElsewhere, direct, new { conversationId = direct, seq = inDirect }, new { conversationId = group, seq = inGroup });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"{direct},{group}", Assert.Single(response.Headers.GetValues(SkippedHeader)));
        // What the client does with them: the hub of the node that pushed them.
        var before = await Acknowledgements(nodes.Edge);
        await OnlyTheGroupShowsDeliveredAfterTheHubsAcknowledgement(scene);
        await CountedOnce(before, (1, 0));
    }

    [Fact]
    public async Task A_send_with_bad_acknowledgements_or_refused_itself_stores_no_message_and_keeps_no_acknowledgement()
    {
        await using var scene = await Scene.Start(nodes);
        var (alicesApi, bobsPhone, bob, carol, direct, _, inDirect, _) = scene;
        using var bobsApi = await ApiUser.SignIn(nodes.Edge, bob);
        var notBobs = await alicesApi.CreateDirect(carol);
        var good = new { conversationId = direct, seq = inDirect };

        await ApiUser.AssertProblem(await SendWith(bobsApi, direct, good, new { conversationId = direct, seq = -1L }), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await SendWith(bobsApi, direct, good, new { conversationId = "not an id", seq = 1L }), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await SendWith(bobsApi, direct, good, null), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await SendWith(bobsApi, direct, [.. Enumerable.Repeat<object?>(good, Api.Endpoints.ReceiptCalls.MaxPositionsPerCall + 1)]), HttpStatusCode.BadRequest, "invalid");
        await ApiUser.AssertProblem(await SendWith(bobsApi, notBobs, good), HttpStatusCode.NotFound, "not_found");
        await TestHub.AssertRefused(() => bobsPhone.Send(direct, new { clientMsgId = Ids.ClientMsg(), body = "no", delivered = new object[] { good, new { conversationId = direct, seq = -1L } } }), "invalid", "a negative seq over the hub");
        await TestHub.AssertRefused(() => bobsPhone.Send(notBobs, new { clientMsgId = Ids.ClientMsg(), body = "no", delivered = new[] { good } }), "not_found", "a send to a conversation bob is not in, over the hub");

        Assert.Equal(inDirect, (await alicesApi.HistorySeqs(direct)).Max()); // none of the refused sends stored a message
        await OnlyTheGroupShowsDeliveredAfterTheHubsAcknowledgement(scene);
    }

    [Fact]
    public async Task The_hubs_send_keeps_its_acknowledgements_once_the_message_is_stored()
    {
        await using var scene = await Scene.Start(nodes);
        var (alicesApi, bobsPhone, bob, _, direct, _, inDirect, _) = scene;

        var receipt = await bobsPhone.Send(direct, new { clientMsgId = Ids.ClientMsg(), body = "got it", delivered = new[] { new { conversationId = direct, seq = inDirect } } });

        Assert.Equal(inDirect + 1, receipt.GetProperty("seq").GetInt64());
        await Eventually.True(async () => (await alicesApi.Receipts(direct)).Of(bob).GetProperty("delivered").GetInt64() == inDirect, Wait, "bob's delivered position from his hub send");
    }

    /// <summary>Alice's direct conversation with bob and her group with bob and carol, a message of hers in each pushed to bob's phone on the edge node.</summary>
    private sealed record Scene(ApiUser AlicesApi, ReceiptDevice BobsPhone, string Bob, string Carol, string Direct, string Group, long InDirect, long InGroup) : IAsyncDisposable
    {
        public static async Task<Scene> Start(ReceiptNodes nodes)
        {
            var (alice, bob, carol) = (Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
            var alicesApi = await ApiUser.SignIn(nodes.Node, alice);
            var direct = await alicesApi.CreateDirect(bob);
            var group = await alicesApi.CreateGroup(bob, carol);
            var bobsPhone = await ReceiptDevice.Connect(nodes.Edge, bob);
            var inDirect = await alicesApi.SendOne(direct);
            var inGroup = await alicesApi.SendOne(group);
            await bobsPhone.Pushed(direct, inDirect);
            await bobsPhone.Pushed(group, inGroup);
            return new Scene(alicesApi, bobsPhone, bob, carol, direct, group, inDirect, inGroup);
        }

        public async ValueTask DisposeAsync()
        {
            await BobsPhone.DisposeAsync();
            AlicesApi.Dispose();
        }
    }

    /// <summary>
    /// Bob's phone acknowledges the group's message over the hub; once alice sees it delivered, anything
    /// kept of the direct conversation's acknowledgements before it would show too, and must not.
    /// </summary>
    private static async Task OnlyTheGroupShowsDeliveredAfterTheHubsAcknowledgement(Scene scene)
    {
        await scene.BobsPhone.DeliveredMany(new { conversationId = scene.Group, seq = scene.InGroup });
        await Eventually.True(async () => (await scene.AlicesApi.Receipts(scene.Group)).Of(scene.Bob).GetProperty("delivered").GetInt64() == scene.InGroup, Wait, "the hub's acknowledgement");
        Assert.Equal(0, (await scene.AlicesApi.Receipts(scene.Direct)).Of(scene.Bob).GetProperty("delivered").GetInt64());
    }

    /// <summary>The node's count of acknowledgement batches (<c>seqline.acknowledgements</c>) by carrier, as scraped.</summary>
    private static async Task<(double ByMessage, double BySend)> Acknowledgements(SeqlineServer node)
    {
        var metrics = await node.ScrapeMetrics();
        return (metrics.Sum("seqline_acknowledgements_total", ("carrier", "message")) ?? 0, metrics.Sum("seqline_acknowledgements_total", ("carrier", "send")) ?? 0);
    }

    /// <summary>
    /// Waits until the edge node's counts are <paramref name="before"/> plus <paramref name="added"/> (a
    /// scrape may be served from the exporter's cache for a moment): one more or one less never gets there.
    /// </summary>
    private async Task CountedOnce((double ByMessage, double BySend) before, (double ByMessage, double BySend) added)
    {
        var expected = (before.ByMessage + added.ByMessage, before.BySend + added.BySend);
        await Eventually.True(async () => await Acknowledgements(nodes.Edge) == expected, Wait, $"the edge to count {added} acknowledgement batches");
    }

    private static Task<HttpResponseMessage> SendWith(ApiUser user, string conversationId, params object?[] delivered) =>
        user.Http.PostAsJsonAsync($"api/conversations/{conversationId}/messages", new { clientMsgId = Ids.ClientMsg(), body = "with acknowledgements", delivered });
}
