using System.Net;
using System.Net.Http.Json;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Receipts;

/// <summary>
/// A member who leaves a group gets no more of its receipts, although the group's receipts may keep
/// the membership it read for a while: the leaver's own inbox drops them.
/// </summary>
public sealed class ReceiptsAfterLeavingTests(ReceiptNodes nodes) : IClassFixture<ReceiptNodes>
{
    [Fact]
    public async Task A_removed_member_gets_no_receipts_of_the_group_while_the_others_still_do()
    {
        using var three = await GroupOfThree.Create(nodes);
        var (group, alicesApi, bobsApi, carolsApi) = three;
        var (bob, carol) = (bobsApi.Id, carolsApi.Id);
        await using var alicesPhone = await ReceiptDevice.Connect(nodes.Node, alicesApi.Id);
        await using var carolsPhone = await ReceiptDevice.Connect(nodes.Edge, carol);
        var first = await carolsApi.SendOne(group);
        await nodes.InInbox(bob, group, first);

        // While a member, carol is told of bob's move over her message: the group's receipts now know her.
        await bobsApi.Read(group, first);
        await carolsPhone.Until(group, bob, r => r.Read == first);
        // Her last message, which bob reads only once she is gone.
        var unread = await carolsApi.SendOne(group);

        Assert.Equal(HttpStatusCode.OK, (await alicesApi.Http.PostAsJsonAsync($"api/conversations/{group}/members", new { remove = new[] { carol } })).StatusCode);
        await Eventually.True(async () => (await nodes.Grains.GetGrain<Seqline.Inboxes.IInboxGrain>(carol).GetConversations()).All(c => c.ConversationId != group),
            TimeSpan.FromSeconds(60), "carol's inbox to drop the group");
        var second = await alicesApi.SendOne(group);
        var third = await alicesApi.SendOne(group);
        await nodes.InInbox(bob, group, third);
        Assert.True(unread < second);

        // Two more moves, each reaching alice: a notice for carol, whose message the first passes, would have gone out with it.
        await bobsApi.Read(group, second);
        await alicesPhone.Until(group, bob, r => r.Read == second);
        await bobsApi.Read(group, third);
        await alicesPhone.Until(group, bob, r => r.Read == third);

        Assert.False(carolsPhone.HasNotice, "carol got receipts of a group she was removed from");
    }
}
