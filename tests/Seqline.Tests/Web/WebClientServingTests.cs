using System.Net;
using System.Text.RegularExpressions;
using Seqline.Api.Hosting;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Web;

/// <summary>The node serves the built client at / and keeps its own routes to itself.</summary>
[Collection(WebClientCollection.Name)]
public sealed partial class WebClientServingTests(WebNodeFixture node)
{
    [Fact]
    public async Task The_root_url_serves_the_client_and_its_hashed_assets()
    {
        using var http = node.Server.Http();
        var index = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());
        var html = await index.Content.ReadAsStringAsync();
        Assert.Contains("<div id=\"app\">", html);

        var script = ScriptPath().Match(html);
        Assert.True(script.Success, $"index.html names no script under /assets/: {html}");
        var asset = await http.GetAsync(script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_path_the_client_routes_itself_gets_index_html()
    {
        using var http = node.Server.Http();
        foreach (var path in new[] { "/c/g-0123456789abcdef", "/c/g-1/", "/settings" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("<div id=\"app\">", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_edge_routes_are_never_answered_with_the_client()
    {
        using var http = node.Server.Http();
        await ApiUser.AssertProblem(await http.GetAsync("/api/no-such-endpoint"), HttpStatusCode.NotFound);
        await ApiUser.AssertProblem(await http.GetAsync("/API/conversations/x/nothing"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal("Healthy", await http.GetStringAsync("/health/live"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        foreach (var path in new[] { "/hubs/nothing", "/health/nothing", "/dashboard", "/assets/missing-0000.js", "/favicon.png" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        var post = await http.PostAsync("/c/g-1", new StringContent(""));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public void The_client_is_found_in_a_checkout_then_next_to_the_app_and_a_wrong_setting_fails_clearly()
    {
        using var temp = new TempDirectory();
        var checkout = Path.Combine(temp.Path, "checkout");
        var contentRoot = Directory.CreateDirectory(Path.Combine(checkout, "Silo")).FullName;
        var appBase = Directory.CreateDirectory(Path.Combine(temp.Path, "app")).FullName;
        Assert.Null(WebClientExtensions.FindRoot(null, contentRoot, appBase));

        var next = Directory.CreateDirectory(Path.Combine(appBase, WebClientOptions.BuiltFolder)).FullName;
        File.WriteAllText(Path.Combine(next, "index.html"), "next to the app");
        Assert.Equal(next, WebClientExtensions.FindRoot(null, contentRoot, appBase));

        var dist = Directory.CreateDirectory(Path.Combine(checkout, "web", "dist")).FullName;
        File.WriteAllText(Path.Combine(dist, "index.html"), "checkout");
        Assert.Equal(next, WebClientExtensions.FindRoot(null, contentRoot, appBase)); // a web/dist that is not this project's
        File.WriteAllText(Path.Combine(checkout, "web", "WebClient.targets"), "<Project />");
        Assert.Equal(dist, WebClientExtensions.FindRoot(null, contentRoot, appBase));

        Assert.Equal(next, WebClientExtensions.FindRoot("../../app/webclient", contentRoot, appBase));
        var wrong = Assert.Throws<InvalidOperationException>(() => WebClientExtensions.FindRoot("nowhere", contentRoot, appBase));
        Assert.Contains("Seqline:Web:Root", wrong.Message);
    }

    [GeneratedRegex("src=\"(/assets/[^\"]+\\.js)\"")]
    private static partial Regex ScriptPath();
}
