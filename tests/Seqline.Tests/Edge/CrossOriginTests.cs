using System.Net;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

/// <summary>
/// Browser apps on other origins (<c>Seqline:Cors:AllowedOrigins</c>): a named origin's preflights
/// and requests to the API and the hub are answered with CORS headers, credentials allowed and
/// Retry-After readable; any other origin, and every origin on a node that names none, gets none.
/// </summary>
public sealed class CrossOriginTests : IDisposable
{
    private const string App = "https://chat.example.com";
    private const string Stranger = "https://evil.example.net";
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_named_origin_may_call_the_api_and_the_hub_and_no_other_may()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?> { ["Seqline:Cors:AllowedOrigins:0"] = App });
        using var http = node.Http();

        foreach (var path in new[] { "api/conversations", "hubs/sync/negotiate?negotiateVersion=1" })
        {
            var allowed = await http.SendAsync(Preflight(path, App));
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
            Assert.Equal(App, Header(allowed, "Access-Control-Allow-Origin"));
            Assert.Equal("true", Header(allowed, "Access-Control-Allow-Credentials"));
            Assert.Contains("POST", Header(allowed, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
            Assert.Contains("authorization", Header(allowed, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

            Assert.Null(Header(await http.SendAsync(Preflight(path, Stranger)), "Access-Control-Allow-Origin"));
        }

        using var alice = await ApiUser.SignIn(node, Ids.User("alice"));
        var list = await alice.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/conversations") { Headers = { { "Origin", App } } });
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(App, Header(list, "Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Header(list, "Access-Control-Expose-Headers"), StringComparison.OrdinalIgnoreCase);
        var strange = await alice.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/conversations") { Headers = { { "Origin", Stranger } } });
        Assert.Null(Header(strange, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task By_default_no_origin_gets_cors_headers()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path);
        using var http = node.Http();

        var preflight = await http.SendAsync(Preflight("api/conversations", App));

        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Credentials"));
    }

    public void Dispose() => _data.Dispose();

    private static HttpRequestMessage Preflight(string path, string origin) => new(HttpMethod.Options, path)
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", "POST" },
            { "Access-Control-Request-Headers", "authorization,content-type" },
        },
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
