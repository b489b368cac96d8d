using System.Net;
using System.Net.Http.Headers;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Operations;

/// <summary>
/// Who reads <c>/metrics</c>: a scraper presenting <c>Seqline:Telemetry:ScrapeToken</c>; anyone when
/// the operator sets <c>AnonymousScrape</c>, or in Development; nobody otherwise. Test nodes run as
/// Production, as operators run them.
/// </summary>
public sealed class ScrapeAccessTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task With_a_scrape_token_only_a_bearer_of_it_reads_metrics()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?> { ["Seqline:Telemetry:ScrapeToken"] = "operators-own-scrape-token" });
        using var anonymous = node.Http();
        using var wrong = node.Http("operators-own-scrape-tokem");
        using var scraper = node.Http("operators-own-scrape-token");
        using var basic = node.Http();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "operators-own-scrape-token");
        using var user = node.Http(await node.Token(Ids.User("alice")));

        foreach (var refused in new[] { anonymous, wrong, basic, user })
            await AssertRefused(await refused.GetAsync("metrics"));
        var page = await scraper.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("dotnet_gc_heap_total_allocated", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_metrics_are_closed_outside_development()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?> { ["Seqline:Telemetry:ScrapeToken"] = null });
        using var anonymous = node.Http();
        using var guessing = node.Http(SeqlineServer.ScrapeToken);

        await AssertRefused(await anonymous.GetAsync("metrics"));
        await AssertRefused(await guessing.GetAsync("metrics"));
        // Only the metrics are closed: the rest of the node serves as ever.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health/live")).StatusCode);
    }

    [Theory]
    [InlineData("Seqline:Telemetry:AnonymousScrape", "true")]
    [InlineData("environment", "Development")]
    public async Task Metrics_are_open_when_the_operator_says_so_or_in_development(string key, string value)
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Telemetry:ScrapeToken"] = null,
            [key] = value,
        });
        using var anonymous = node.Http();

        var page = await anonymous.GetAsync("metrics");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("dotnet_gc_heap_total_allocated", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();

    private static async Task AssertRefused(HttpResponseMessage response)
    {
        await ApiUser.AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }
}
