using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>
/// Replies and typed content over real HTTP and a real hub connection: what a send takes, what
/// history, sync and pushes give back, the hub's <c>Send</c> with one request object, the OpenAPI
/// description, and every refusal with its status and code, nothing stored.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ReplyAndContentApiTests(SeqlineNodeFixture node) : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private static readonly object Png = new { url = "https://cdn.example/cat.png", size = 1234, mediaType = "image/png", name = "cat.png", width = 64, height = 48 };
    private ApiUser _ann = null!, _bob = null!;
    private string _id = null!;

    public async Task InitializeAsync()
    {
        (_ann, _bob) = (await SignIn(node.Server, Ids.User("ann")), await SignIn(node.Server, Ids.User("bob")));
        _id = await _ann.CreateGroup(_bob.Id);
    }

    public Task DisposeAsync()
    {
        _ann.Dispose();
        _bob.Dispose();
        return Task.CompletedTask;
    }

    private Task<HttpResponseMessage> Post(ApiUser user, object body) => user.Http.PostAsJsonAsync($"api/conversations/{_id}/messages", body);

    private async Task<List<JsonElement>> History() =>
        (await Json(await _ann.Http.GetAsync($"api/conversations/{_id}/messages?limit=1000"))).GetProperty("messages").EnumerateArray().ToList();

    private static void AssertImageReply(JsonElement m, string quotedSender, long replyTo)
    {
        Assert.Equal(replyTo, m.GetProperty("replyTo").GetInt64());
        Assert.Equal(quotedSender, m.GetProperty("quote").GetProperty("senderId").GetString());
        Assert.Equal("lunch?", m.GetProperty("quote").GetProperty("snippet").GetString());
        Assert.Equal("image", m.GetProperty("contentType").GetString());
        var content = m.GetProperty("content");
        Assert.Equal(JsonValueKind.Object, content.ValueKind); // an object on the wire, not a string
        Assert.Equal(("https://cdn.example/cat.png", 1234L, "image/png"), (content.GetProperty("url").GetString(), content.GetProperty("size").GetInt64(), content.GetProperty("mediaType").GetString()));
        Assert.Equal("[image: cat.png]", m.GetProperty("body").GetString());
    }

    [Fact]
    public async Task An_image_reply_over_http_reaches_history_sync_and_the_hub_push_and_its_retry_keeps_the_seq()
    {
        var cursor = (await Json(await _ann.Http.GetAsync("api/sync"))).GetProperty("cursor").GetString()!;
        await using var hub = await TestHub.Connect(node.Server, _ann.Token);
        var pushed = TestHub.RecordEvents(hub);
        await PushWaits.Subscribed(node.Server, _ann.Id);
        Assert.Equal(HttpStatusCode.Created, (await _ann.Send(_id, "lunch?")).StatusCode);

        var reply = new { clientMsgId = "reply-1", replyTo = 1, contentType = "image", content = Png };
        var created = await Post(_bob, reply);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, (await Json(created)).GetProperty("seq").GetInt64());
        var retried = await Post(_bob, reply with { });
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal((2L, true), ((await Json(retried)).GetProperty("seq").GetInt64(), (await Json(retried)).GetProperty("duplicate").GetBoolean()));

        var history = await History();
        Assert.Equal(2, history.Count);
        Assert.False(history[0].TryGetProperty("replyTo", out _)); // a plain message carries none of the new fields
        Assert.False(history[0].TryGetProperty("contentType", out _));
        AssertImageReply(history[1], _ann.Id, 1);

        await Eventually.True(() => pushed.Any(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("seq").GetInt64() == 2), Within, "ann's hub to be pushed the reply");
        AssertImageReply(pushed.First(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("seq").GetInt64() == 2), _ann.Id, 1);
        await _ann.WaitForInbox(cursor, _id, 2);
        var synced = (await Json(await _ann.Http.GetAsync($"api/sync?cursor={cursor}&limit=1000"))).GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("seq").GetInt64() == 2);
        AssertImageReply(synced, _ann.Id, 1);
    }

    [Fact]
    public async Task The_hub_sends_replies_and_typed_content_with_one_request_object_and_refuses_like_http()
    {
        await using var hub = await TestHub.Connect(node.Server, _bob.Token);
        Assert.Equal(1, (await hub.InvokeAsync<JsonElement>("SendMessage", _id, "m-1", "lunch?")).GetProperty("seq").GetInt64());

        var receipt = await hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-1", body = "Poll: where?", replyTo = 1, contentType = "x-poll", content = new { options = new[] { "pizza", "sushi" } } });
        Assert.Equal(2, receipt.GetProperty("seq").GetInt64());
        var again = await hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-1", body = "Poll: where?", replyTo = 1 });
        Assert.Equal((2L, true), (again.GetProperty("seq").GetInt64(), again.GetProperty("duplicate").GetBoolean()));
        var image = await hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-2", contentType = "image", content = Png });
        Assert.Equal(3, image.GetProperty("seq").GetInt64());

        var history = await History();
        var poll = history[1];
        Assert.Equal(("x-poll", "Poll: where?", 1L), (poll.GetProperty("contentType").GetString(), poll.GetProperty("body").GetString(), poll.GetProperty("replyTo").GetInt64()));
        Assert.Equal("sushi", poll.GetProperty("content").GetProperty("options")[1].GetString());
        Assert.Equal((_bob.Id, "lunch?"), (poll.GetProperty("quote").GetProperty("senderId").GetString(), poll.GetProperty("quote").GetProperty("snippet").GetString()));
        Assert.Equal("[image: cat.png]", history[2].GetProperty("body").GetString());

        await TestHub.AssertRefused(() => hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-3", body = "re", replyTo = 9 }), "not_found", "a future seq");
        await TestHub.AssertRefused(() => hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-4", body = "b", contentType = "video", content = Png }), "invalid", "an unknown type");
        await TestHub.AssertRefused(() => hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-5", body = "b", contentType = "x-big", content = new { pad = new string('p', 5000) } }), "too_large", "content over the limit");
        await TestHub.AssertRefused(() => hub.InvokeAsync<JsonElement>("Send", _id, new { clientMsgId = "h-6" }), "invalid", "no body");
        Assert.Equal(3, (await History()).Count);
    }

    [Fact]
    public async Task Every_refused_send_answers_its_status_and_code_and_stores_nothing()
    {
        Assert.Equal(HttpStatusCode.Created, (await _ann.Send(_id, "one")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _ann.Http.PutAsJsonAsync($"api/conversations/{_id}/title", new { title = "renamed" })).StatusCode); // seq 2, a notice
        Assert.Equal(HttpStatusCode.Created, (await _ann.Send(_id, "three")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _ann.Send(_id, "four")).StatusCode);
        // Retention trimmed seq 1 (the conversation's mark moves after the rows go).
        await node.Server.Services.GetRequiredKeyedService<ITimelineStore>(TimelineStoreNames.Conversations).TrimThroughAsync(_id, 1, 100);
        var before = (await History()).Select(m => m.ToString()).ToList();

        var big = new { pad = new string('p', 5000) };
        var refusals = new (object Body, HttpStatusCode Status, string Code, string What)[]
        {
            (new { clientMsgId = "r1", body = "re", replyTo = 99 }, HttpStatusCode.NotFound, "not_found", "a future seq"),
            (new { clientMsgId = "r2", body = "re", replyTo = 0 }, HttpStatusCode.NotFound, "not_found", "seq 0"),
            (new { clientMsgId = "r3", body = "re", replyTo = 1 }, HttpStatusCode.NotFound, "not_found", "a trimmed seq"),
            (new { clientMsgId = "r4", body = "re", replyTo = 2 }, HttpStatusCode.BadRequest, "invalid", "a notice"),
            (new { clientMsgId = "r5", body = "b", contentType = "video", content = Png }, HttpStatusCode.BadRequest, "invalid", "an unknown type"),
            (new { clientMsgId = "r6", body = "b", contentType = "image", content = "not an object" }, HttpStatusCode.BadRequest, "invalid", "content that is not an object"),
            (new { clientMsgId = "r7", body = "b", contentType = "image" }, HttpStatusCode.BadRequest, "invalid", "an image without content"),
            (new { clientMsgId = "r8", body = "b", contentType = "image", content = new { url = "ftp://h/a.png", size = 1, mediaType = "image/png" } }, HttpStatusCode.BadRequest, "invalid", "a bad URL"),
            (new { clientMsgId = "r9", body = "b", contentType = "file", content = new { url = "https://h/a", size = -1, mediaType = "text/plain" } }, HttpStatusCode.BadRequest, "invalid", "a negative size"),
            (new { clientMsgId = "r10", body = "b", contentType = "file", content = new { url = "https://h/a", size = 1, mediaType = "plain" } }, HttpStatusCode.BadRequest, "invalid", "a bad media type"),
            (new { clientMsgId = "r11", body = "b", contentType = "x-big", content = big }, HttpStatusCode.RequestEntityTooLarge, "too_large", "content over the limit"),
            (new { clientMsgId = "r12", body = "b", content = Png }, HttpStatusCode.BadRequest, "invalid", "content on a text message"),
            (new { clientMsgId = "r13", contentType = "x-poll", content = new { } }, HttpStatusCode.BadRequest, "invalid", "an x- type without its fallback body"),
        };
        foreach (var (body, status, code, what) in refusals)
        {
            var response = await Post(_bob, body);
            Assert.True(response.StatusCode == status, $"{what}: {response.StatusCode}");
            await AssertProblem(response, status, code);
        }
        var malformed = await _bob.Http.PostAsync($"api/conversations/{_id}/messages",
            new StringContent("""{"clientMsgId":"r14","body":"b","contentType":"image","content":{"url":""", System.Text.Encoding.UTF8, "application/json"));
        await AssertProblem(malformed, HttpStatusCode.BadRequest, "invalid");

        Assert.Equal(before, (await History()).Select(m => m.ToString()).ToList());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_new_send_fields_and_message_fields()
    {
        using var http = node.Server.Http();
        using var document = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var send = schemas.GetProperty("SendMessageRequest").GetProperty("properties");
        foreach (var field in new[] { "replyTo", "contentType", "content" }) Assert.True(send.TryGetProperty(field, out _), $"SendMessageRequest.{field}");
        var message = schemas.GetProperty("ChatMessage").GetProperty("properties");
        foreach (var field in new[] { "replyTo", "quote", "contentType", "content" }) Assert.True(message.TryGetProperty(field, out _), $"ChatMessage.{field}");
        // The content is any JSON object, not a string, on both sides.
        foreach (var content in new[] { message.GetProperty("content"), send.GetProperty("content") })
            Assert.Contains("object", content.GetProperty("type").ToString());
        Assert.Contains("replyTo", document.RootElement.GetProperty("paths").GetProperty("/api/conversations/{id}/messages").GetProperty("post").GetProperty("description").GetString());
    }
}
