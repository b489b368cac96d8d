using System.Net;
using System.Net.Http.Json;
using System.Text;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>Every limit of the protocol answers with its documented status and a code, and nothing changes.</summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class BadInputTests(SeqlineNodeFixture node)
{
    [Fact]
    public async Task Each_bad_request_gets_its_status_and_the_server_keeps_serving()
    {
        using var alice = await SignIn(node.Server, Ids.User("alice"));
        var id = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "first")).StatusCode);
        var http = alice.Http;
        var messages = $"api/conversations/{id}/messages";

        HttpContent Raw(string json) => new StringContent(json, Encoding.UTF8, "application/json");
        var cases = new (string What, Func<Task<HttpResponseMessage>> Call, HttpStatusCode Status, string Code)[]
        {
            ("create without members", () => http.PostAsJsonAsync("api/conversations", new { title = "x" }), HttpStatusCode.BadRequest, "invalid"),
            ("create with a bad member id", () => http.PostAsJsonAsync("api/conversations", new { members = new[] { "no spaces" } }), HttpStatusCode.BadRequest, "invalid"),
            ("create with a member id ending in a newline", () => http.PostAsJsonAsync("api/conversations", new { members = new[] { "bob\n" } }), HttpStatusCode.BadRequest, "invalid"),
            ("clientMsgId ending in a newline", () => http.PostAsJsonAsync(messages, new { clientMsgId = "m\n", body = "x" }), HttpStatusCode.BadRequest, "invalid"),
            ("create with an unknown kind", () => http.PostAsJsonAsync("api/conversations", new { members = new[] { "bob" }, kind = "channel" }), HttpStatusCode.BadRequest, "invalid"),
            ("create with a long title", () => http.PostAsJsonAsync("api/conversations", new { members = new[] { "bob" }, title = new string('t', 201) }), HttpStatusCode.BadRequest, "invalid"),
            ("direct with two others", () => http.PostAsJsonAsync("api/conversations", new { members = new[] { "bob", "carol" }, kind = "direct" }), HttpStatusCode.BadRequest, "invalid"),
            ("send without clientMsgId", () => http.PostAsJsonAsync(messages, new { body = "x" }), HttpStatusCode.BadRequest, "invalid"),
            ("clientMsgId with bad characters", () => http.PostAsJsonAsync(messages, new { clientMsgId = "a.b", body = "x" }), HttpStatusCode.BadRequest, "invalid"),
            ("clientMsgId too long", () => http.PostAsJsonAsync(messages, new { clientMsgId = new string('a', 65), body = "x" }), HttpStatusCode.BadRequest, "invalid"),
            ("send without body", () => http.PostAsJsonAsync(messages, new { clientMsgId = "m" }), HttpStatusCode.BadRequest, "invalid"),
            ("empty body", () => http.PostAsJsonAsync(messages, new { clientMsgId = "m", body = "" }), HttpStatusCode.BadRequest, "invalid"),
            ("body over 16 KiB", () => http.PostAsJsonAsync(messages, new { clientMsgId = "m", body = new string('x', 16 * 1024 + 1) }), HttpStatusCode.RequestEntityTooLarge, "too_large"),
            ("request over the size limit", () => http.PostAsJsonAsync(messages, new { clientMsgId = "m", body = new string('x', 200 * 1024) }), HttpStatusCode.RequestEntityTooLarge, "too_large"),
            ("malformed JSON", () => http.PostAsync(messages, Raw("{\"clientMsgId\":\"m\",")), HttpStatusCode.BadRequest, "invalid"),
            ("JSON of the wrong shape", () => http.PostAsync(messages, Raw("[1,2,3]")), HttpStatusCode.BadRequest, "invalid"),
            ("a body that is not JSON", () => http.PostAsync(messages, new StringContent("hello", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
            ("a method the path does not take", () => http.PutAsJsonAsync(messages, new { clientMsgId = "m", body = "x" }), HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
            ("a method the list does not take", () => http.DeleteAsync("api/conversations"), HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
            ("bad conversation id", () => http.PostAsJsonAsync("api/conversations/bad%20id/messages", new { clientMsgId = "m", body = "x" }), HttpStatusCode.BadRequest, "invalid"),
            ("limit 0", () => http.GetAsync($"{messages}?limit=0"), HttpStatusCode.BadRequest, "invalid"),
            ("limit 1001", () => http.GetAsync($"{messages}?limit=1001"), HttpStatusCode.BadRequest, "invalid"),
            ("limit -1", () => http.GetAsync($"{messages}?limit=-1"), HttpStatusCode.BadRequest, "invalid"),
            ("limit int.MaxValue", () => http.GetAsync($"{messages}?limit=2147483647"), HttpStatusCode.BadRequest, "invalid"),
            ("after 0 with limit -5", () => http.GetAsync($"{messages}?after=0&limit=-5"), HttpStatusCode.BadRequest, "invalid"),
            ("after 0 with limit int.MaxValue", () => http.GetAsync($"{messages}?after=0&limit=2147483647"), HttpStatusCode.BadRequest, "invalid"),
            ("before 2 with limit -1", () => http.GetAsync($"{messages}?before=2&limit=-1"), HttpStatusCode.BadRequest, "invalid"),
            ("limit not a number", () => http.GetAsync($"{messages}?limit=ten"), HttpStatusCode.BadRequest, "invalid"),
            ("before and after", () => http.GetAsync($"{messages}?before=5&after=1"), HttpStatusCode.BadRequest, "invalid"),
            ("negative after", () => http.GetAsync($"{messages}?after=-1"), HttpStatusCode.BadRequest, "invalid"),
            ("tampered cursor", () => http.GetAsync("api/sync?cursor=AQAAAAAAAAABAAAAAAAAAAEFYWxpY2UAAAAAAAAAAAAAAAAAAAAA"), HttpStatusCode.BadRequest, "invalid"),
            ("sync limit 0", () => http.GetAsync("api/sync?limit=0"), HttpStatusCode.BadRequest, "invalid"),
            ("sync limit -1", () => http.GetAsync("api/sync?limit=-1"), HttpStatusCode.BadRequest, "invalid"),
            ("sync limit int.MaxValue", () => http.GetAsync("api/sync?limit=2147483647"), HttpStatusCode.BadRequest, "invalid"),
            ("read without seq", () => http.PostAsJsonAsync($"api/conversations/{id}/read", new { }), HttpStatusCode.BadRequest, "invalid"),
            ("negative read seq", () => http.PostAsJsonAsync($"api/conversations/{id}/read", new { seq = -1 }), HttpStatusCode.BadRequest, "invalid"),
        };

        foreach (var (what, call, status, code) in cases)
        {
            var response = await call();
            Assert.True(response.StatusCode == status, $"{what}: expected {status}, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await AssertProblem(response, status, code);
        }

        Assert.Equal([1L], await alice.HistorySeqs(id));
        Assert.Single((await Json(await http.GetAsync("api/conversations"))).EnumerateArray());
        var after = await alice.Send(id, "still here");
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(2, (await Json(after)).GetProperty("seq").GetInt64());
    }
}
