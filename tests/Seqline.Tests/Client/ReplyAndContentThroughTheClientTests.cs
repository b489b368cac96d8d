using System.Collections.Concurrent;
using System.Text.Json;
using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Client;

/// <summary>
/// Replies and typed content through the client library: <see cref="SendOptions"/> on the way out,
/// <see cref="Message.ReplyTo"/>, <see cref="Message.Quote"/>, <see cref="Message.ContentType"/> and
/// <see cref="Message.Content"/> on what other clients receive and page back, and refusals as
/// <see cref="SeqlineApiException"/>s.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ReplyAndContentThroughTheClientTests(SeqlineNodeFixture node)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private SeqlineServer Server => node.Server;

    [Fact]
    public async Task A_file_reply_sent_with_options_reaches_the_other_client_and_history_with_its_quote_and_content()
    {
        var (ann, bob) = (Ids.User("ann"), Ids.User("bob"));
        await using var anns = await ClientDevice.Connect(Server, await Server.Token(ann));
        await using var bobs = await ClientDevice.Connect(Server, await Server.Token(bob));
        var received = new ConcurrentQueue<SyncEvent>();
        bobs.Client.MessageReceived += e => { received.Enqueue(e); return Task.CompletedTask; };
        var id = (await anns.Client.CreateConversationAsync([bob], "team")).ConversationId;

        var question = await anns.Client.SendAsync(id, "Where is the report?");
        var file = SendOptions.File(new Uri("https://files.example/report.pdf"), 52_000, "application/pdf", "report.pdf") with { ReplyTo = question.Seq, ClientMsgId = "file-1" };
        var receipt = await anns.Client.SendAsync(id, "", file);
        Assert.Equal(2, receipt.Seq);
        Assert.True((await anns.Client.SendAsync(id, "", file)).Duplicate);
        var image = await anns.Client.SendAsync(id, "a photo", SendOptions.Image(new Uri("https://cdn.example/p.jpg"), 9, "image/jpeg", width: 10, height: 20));

        await Eventually.True(() => received.Any(e => e.Seq == image.Seq), Within, "bob's client to receive the messages");
        var reply = received.Single(e => e.Seq == 2).ToMessage()!;
        Assert.Equal((1L, new MessageQuote(ann, "Where is the report?")), (reply.ReplyTo, reply.Quote));
        Assert.Equal((ContentTypes.File, "[file: report.pdf]"), (reply.ContentType, reply.Body));
        Assert.Equal(("https://files.example/report.pdf", 52_000L, "report.pdf"),
            (reply.Content!.Value.GetProperty("url").GetString(), reply.Content.Value.GetProperty("size").GetInt64(), reply.Content.Value.GetProperty("name").GetString()));
        var photo = received.Single(e => e.Seq == image.Seq);
        Assert.Equal((ContentTypes.Image, 20), (photo.ContentType, photo.Content!.Value.GetProperty("height").GetInt32()));

        var history = await bobs.Client.GetHistoryBeforeAsync(id);
        Assert.Null(history.Messages[0].ContentType);
        Assert.Equal(reply.Quote, history.Messages[1].Quote);
        Assert.Equal(reply.Content!.Value.GetRawText(), history.Messages[1].Content!.Value.GetRawText());
        Assert.Equal(reply with { Content = null }, history.Messages[1] with { Content = null });
    }

    [Fact]
    public async Task Refused_replies_and_content_throw_with_the_servers_code()
    {
        var (ann, bob) = (Ids.User("ann"), Ids.User("bob"));
        await using var anns = await ClientDevice.Connect(Server, await Server.Token(ann));
        var id = (await anns.Client.CreateConversationAsync([bob], "team")).ConversationId;

        var missing = await Assert.ThrowsAsync<SeqlineApiException>(() => anns.Client.SendAsync(id, "re", new SendOptions(ReplyTo: 5)));
        Assert.Equal((404, ErrorCodes.NotFound), (missing.Status, missing.Code));
        var url = await Assert.ThrowsAsync<SeqlineApiException>(() => anns.Client.SendAsync(id, "", SendOptions.Image(new Uri("file:///etc/passwd"), 1, "image/png")));
        Assert.Equal((400, ErrorCodes.Invalid), (url.Status, url.Code));
        var type = await Assert.ThrowsAsync<SeqlineApiException>(() => anns.Client.SendAsync(id, "b",
            new SendOptions(ContentType: "sticker", Content: JsonDocument.Parse("{}").RootElement)));
        Assert.Equal((400, ErrorCodes.Invalid), (type.Status, type.Code));
        Assert.Empty((await anns.Client.GetHistoryBeforeAsync(id)).Messages);
    }
}
