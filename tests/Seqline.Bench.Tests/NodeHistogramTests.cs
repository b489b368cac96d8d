using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Tests;

/// <summary>The node's histograms as the bench reads them from Prometheus text, and what two reads subtract to.</summary>
public sealed class NodeHistogramTests
{
    // As the OpenTelemetry Prometheus exporter writes a histogram: cumulative buckets per label set.
    private const string Before = """
        # TYPE seqline_send_duration_seconds histogram
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="http",le="0.01"} 10
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="http",le="0.1"} 10
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="http",le="+Inf"} 10
        seqline_send_duration_seconds_sum{otel_scope_name="Seqline",transport="http"} 0.05
        seqline_send_duration_seconds_count{otel_scope_name="Seqline",transport="http"} 10
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="hub",le="0.01"} 0
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="hub",le="0.1"} 0
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="hub",le="+Inf"} 0
        """;

    private const string After = """
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="http",le="0.01"} 60
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="http",le="0.1"} 100
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="http",le="+Inf"} 110
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="hub",le="0.01"} 40
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="hub",le="0.1"} 40
        seqline_send_duration_seconds_bucket{otel_scope_name="Seqline",transport="hub",le="+Inf"} 40
        seqline_send_duration_seconds_count{otel_scope_name="Seqline",transport="hub"} 40
        seqline_sends_acknowledged_total{transport="http"} 110
        """;

    [Fact]
    public void Two_reads_subtract_to_the_window_summed_over_label_sets()
    {
        var window = NodeHistogram.Parse(After, "seqline_send_duration_seconds").Since(NodeHistogram.Parse(Before, "seqline_send_duration_seconds"));

        // http: 50 under 10 ms, 40 more under 100 ms, 10 above; hub: 40 under 10 ms.
        Assert.Equal([(0.01, 90.0), (0.1, 130.0), (double.PositiveInfinity, 140.0)], window.Buckets);
        Assert.Equal(140, window.Count);
    }

    [Fact]
    public void Quantiles_are_interpolated_within_their_bucket()
    {
        var window = NodeHistogram.Parse(After, "seqline_send_duration_seconds").Since(NodeHistogram.Parse(Before, "seqline_send_duration_seconds"));

        // Rank 70 of 140 lies in the first bucket (90 of them, from 0 to 10 ms): 70/90 of the way.
        Assert.Equal(0.01 * 70 / 90, window.Quantile(0.5)!.Value, 9);
        // Rank 112 lies in the second (40 of them, 10 to 100 ms), 22 into it.
        Assert.Equal(0.01 + 0.09 * 22 / 40, window.Quantile(0.8)!.Value, 9);
        // Above the last finite bound the histogram cannot say more than that bound.
        Assert.Equal(0.1, window.Quantile(0.99));
    }

    [Fact]
    public void Labels_pick_one_series_and_an_empty_window_has_no_quantile()
    {
        var hub = NodeHistogram.Parse(After, "seqline_send_duration_seconds", ("transport", "hub"));
        Assert.Equal(40, hub.Count);
        Assert.Equal(0.01 * 0.5, hub.Quantile(0.5)!.Value, 9);

        var none = NodeHistogram.Parse(After, "seqline_send_duration_seconds", ("transport", "hub")).Since(hub);
        Assert.Equal(0, none.Count);
        Assert.Null(none.Quantile(0.99));
        Assert.Equal(0, NodeHistogram.Parse(After, "seqline_push_lag_seconds").Count);
    }
}
