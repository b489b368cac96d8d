namespace Seqline.Bench.Infrastructure;

/// <summary>
/// Reads the node's own metrics from its Prometheus endpoint (<c>/metrics</c>, on by default): the
/// runtime's <c>dotnet.gc.heap.total_allocated</c> (GC.GetTotalAllocatedBytes of the node's process), so that
/// a node in its own process reports its allocations, not the bench's (a node inside the bench's process
/// shares the runtime with the clients, so there the figure includes theirs), and its latency
/// histograms (<see cref="NodeHistogram"/>).
/// </summary>
public sealed class NodeMetrics(Uri baseAddress, HttpMessageHandler handler)
{
    /// <summary>The Prometheus name of the runtime's allocation counter (unit suffix and <c>_total</c> follow it).</summary>
    public const string AllocatedBytesMetric = "dotnet_gc_heap_total_allocated";

    private readonly HttpClient _http = new(handler, disposeHandler: false)
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { Authorization = new("Bearer", Tokens.BenchScrapeToken) },
    };

    /// <summary>The node's whole <c>/metrics</c> page; null when it cannot be read.</summary>
    public async Task<string?> ScrapeAsync()
    {
        try
        {
            return await _http.GetStringAsync("/metrics");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Batches of push acknowledgements the node has taken so far, carried by <paramref name="carrier"/> (<c>message</c> or <c>send</c>).</summary>
    public static double Acknowledgements(string text, string carrier) =>
        new PrometheusText(text).Sum("seqline_acknowledgements_total", ("carrier", carrier)) ?? 0;

    /// <summary>Notices the node has handed to a user's devices so far by hub <paramref name="method"/> (<c>typing</c>, <c>receipts</c>, <c>receiptsMany</c>, <c>events</c>: receipts riding on a push).</summary>
    public static double Notices(string text, string method) =>
        new PrometheusText(text).Sum("seqline_notices_sent_total", ("method", method)) ?? 0;

    /// <summary>The node's full (gen2) collections and GC pause so far, from the runtime's <c>dotnet.gc.*</c> counters; null when absent.</summary>
    public static GcUse? Gc(string? text)
    {
        if (text is null) return null;
        var prometheus = new PrometheusText(text);
        return prometheus.Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen2")) is { } gen2
            && prometheus.Sum("dotnet_gc_pause_time_seconds_total") is { } pause
            ? new GcUse((long)gen2, pause * 1000) : null;
    }

    /// <summary>The sum of every sample of <paramref name="metric"/> in Prometheus text (any labels, any unit suffix).</summary>
    public static long? Parse(string text, string metric)
    {
        var samples = new PrometheusText(text).Samples().Where(s => s.Name.StartsWith(metric, StringComparison.Ordinal)).ToList();
        return samples.Count == 0 ? null : (long)samples.Sum(s => s.Value);
    }
}
