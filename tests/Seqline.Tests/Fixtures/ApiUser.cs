using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Seqline.Tests.Fixtures;

/// <summary>A user talking to the HTTP API with a real token, for tests that look at the wire.</summary>
public sealed class ApiUser(SeqlineServer server, string userId, string token) : IDisposable
{
    public string Id => userId;
    public string Token => token;
    public HttpClient Http { get; } = server.Http(token);

    public static async Task<ApiUser> SignIn(SeqlineServer server, string userId) => new(server, userId, await server.Token(userId));

    public async Task<string> CreateGroup(params string[] members)
    {
        var response = await Http.PostAsJsonAsync("api/conversations", new { members, title = "group" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("conversationId").GetString()!;
    }

    public Task<HttpResponseMessage> Send(string conversationId, string body, string? clientMsgId = null) =>
        Http.PostAsJsonAsync($"api/conversations/{conversationId}/messages", new { clientMsgId = clientMsgId ?? Ids.ClientMsg(), body });

    public async Task<List<long>> HistorySeqs(string conversationId)
    {
        var page = await Json(await Http.GetAsync($"api/conversations/{conversationId}/messages?limit=1000"));
        return page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
    }

    /// <summary>Waits until the user's inbox, read from <paramref name="cursor"/>, holds the message: fan-out runs after the send answers.</summary>
    public Task WaitForInbox(string cursor, string conversationId, long seq) =>
        Eventually.True(async () =>
        {
            var page = await Json(await Http.GetAsync($"api/sync?cursor={cursor}&limit=1000"));
            return page.GetProperty("events").EnumerateArray().Any(e =>
                e.GetProperty("type").GetString() == "message" && e.GetProperty("conversationId").GetString() == conversationId && e.GetProperty("seq").GetInt64() == seq);
        }, TimeSpan.FromSeconds(60), $"message {seq} of {conversationId} in the inbox of {userId}");

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 answer with the status and, where given, the protocol error code.</summary>
    public static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    public void Dispose() => Http.Dispose();
}
