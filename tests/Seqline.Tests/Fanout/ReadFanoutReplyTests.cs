using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Fanout;

/// <summary>
/// In read fan-out a member's sync reads messages from the conversation's own timeline: replies and
/// typed content come with their quote and content there too, by pull and by push, and a recall
/// takes the content away.
/// </summary>
public sealed class ReadFanoutReplyTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_reply_with_an_image_reaches_read_fan_out_members_by_pull_and_push_with_its_quote_and_content()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "2",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
        });
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var (ann, bea, id) = (Ids.User("ann"), Ids.User("bea"), Ids.Conversation());
        var conversation = grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bea, Ids.User("cid"), Ids.User("dan")], null, ConversationKind.Group))).Fanout);
        await Eventually.True(async () => (await server.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.Members).ReadAsync(id))
            .All(r => MemberRow.From(r).Status == MemberStatus.Member), TimeSpan.FromSeconds(60), "every member's inbox to be told");
        var beasPhone = await new TestDevice(grains, bea).Connect();
        await using var beasClient = await ClientDevice.Connect(server, await server.Token(bea));
        await PushWaits.Subscribed(server, bea);

        const string png = """{"url":"https://cdn.example/a.png","size":5,"mediaType":"image/png"}""";
        await conversation.Send(new OutgoingMessage(ann, "a1", "who brings cake?"));
        await conversation.Send(new OutgoingMessage(bea, "b1", "", ReplyTo: 1, ContentType: "image", Content: png));

        await beasPhone.PullUntil(id, 2, TimeSpan.FromSeconds(60));
        var pulled = beasPhone.Events.Single(e => e.Type == SyncEventTypes.Message && e.Seq == 2);
        Assert.Equal((1L, new MessageQuote(ann, "who brings cake?"), "image", png, "[image]"), (pulled.ReplyTo, pulled.Quote, pulled.ContentType, pulled.Content, pulled.Body));
        await Eventually.True(() => beasClient.Events.Any(e => e.Seq == 2 && e.Type == "message"), TimeSpan.FromSeconds(60), "bea's client to get the reply");
        var pushed = beasClient.Events.Single(e => e.Seq == 2 && e.Type == "message");
        Assert.Equal((1L, "who brings cake?", "image"), (pushed.ReplyTo, pushed.Quote!.Snippet, pushed.ContentType));
        Assert.Equal("https://cdn.example/a.png", pushed.Content!.Value.GetProperty("url").GetString());

        await conversation.Recall(bea, 2);
        await Eventually.True(async () => { await beasPhone.PullAll(); return beasPhone.Events.Any(e => e.Type == SyncEventTypes.Recall && e.Seq == 2); },
            TimeSpan.FromSeconds(60), "bea's device to get the recall");
        var history = await conversation.ReadAfter(bea, 0, 10);
        Assert.Equal((true, (string?)null, (MessageQuote?)null), (history.Messages[1].Recalled, history.Messages[1].Content, history.Messages[1].Quote));
    }
}
