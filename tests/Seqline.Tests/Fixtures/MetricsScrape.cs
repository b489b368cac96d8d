namespace Seqline.Tests.Fixtures;

public static class MetricsScrape
{
    /// <summary>The node's <c>/metrics</c> page, fetched with the test nodes' scrape token.</summary>
    public static async Task<PrometheusText> ScrapeMetrics(this SeqlineServer server)
    {
        using var http = server.Http(SeqlineServer.ScrapeToken);
        return new PrometheusText(await http.GetStringAsync("metrics"));
    }
}
