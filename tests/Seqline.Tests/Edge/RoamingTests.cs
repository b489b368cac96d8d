using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

[Collection(SeqlineNodeCollection.Name)]
public sealed class RoamingTests(SeqlineNodeFixture node)
{
    [Fact]
    public async Task A_new_device_pages_a_thousand_message_conversation_back_to_the_first()
    {
        using var alice = await SignIn(node.Server, Ids.User("alice"));
        var bob = Ids.User("bob");
        var id = await alice.CreateGroup(bob);
        var conversation = node.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<IConversationGrain>(id);
        for (var start = 0; start < 1000; start += 100)
        {
            await Task.WhenAll(Enumerable.Range(start, 100).Select(i => conversation.Send(new OutgoingMessage(i % 2 == 0 ? alice.Id : bob, $"m{i:0000}", $"message {i}"))));
        }

        // Bob signs in on a device that has never seen the conversation.
        using var newDevice = await SignIn(node.Server, bob);
        var seen = new List<(long Seq, string Body)>();
        var pages = 0;
        string url = $"api/conversations/{id}/messages?limit=64";
        while (true)
        {
            var page = await Json(await newDevice.Http.GetAsync(url));
            var messages = page.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("body").GetString()!)).ToList();
            Assert.Equal(messages.OrderBy(m => m.Item1), messages);
            seen.InsertRange(0, messages);
            pages++;
            if (!page.GetProperty("hasMore").GetBoolean()) break;
            Assert.True(pages < 100, "paging must end");
            url = $"api/conversations/{id}/messages?before={messages[0].Item1}&limit=64";
        }

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), seen.Select(m => m.Seq));
        Assert.Equal(16, pages);
        var bodies = seen.Select(m => m.Body).ToHashSet();
        Assert.Equal(1000, bodies.Count);
        Assert.Contains("message 0", bodies);
    }
}
