using ScottPlot;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Reporting;

/// <summary>PNG charts (ScottPlot) for the reports.</summary>
public static class Charts
{
    private const int Width = 900;
    private const int Height = 480;

    /// <summary>Lines over time, e.g. per-second throughput; optional vertical markers (e.g. kills).</summary>
    public static void TimeSeries(string path, string title, string yLabel, IReadOnlyList<(string Label, double[] Seconds, double[] Values)> series,
        IReadOnlyList<double>? markers = null, string? markerLabel = null)
    {
        var plot = new Plot();
        foreach (var (label, xs, ys) in series)
        {
            if (xs.Length == 0) continue;
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        var first = true;
        foreach (var x in markers ?? [])
        {
            var marker = plot.Add.VerticalLine(x);
            marker.LinePattern = LinePattern.Dashed;
            marker.Color = Colors.Red;
            marker.LineWidth = 1;
            if (first && markerLabel is not null) marker.LegendText = markerLabel;
            first = false;
        }
        plot.Title(title);
        plot.XLabel("seconds");
        plot.YLabel(yLabel);
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, Math.Max(1, limits.Top * 1.05));
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Latency by percentile, the x axis stretched towards the tail (90%, 99%, 99.9%, 99.99%).</summary>
    public static void Percentiles(string path, string title, IReadOnlyList<(string Label, Latency Latency)> latencies)
    {
        var plot = new Plot();
        var maxX = 1.0;
        foreach (var (label, latency) in latencies)
        {
            var curve = latency.Curve().Where(p => p.Percentile < 100).ToList();
            if (curve.Count == 0) continue;
            var xs = curve.Select(p => Math.Log10(100 / (100 - p.Percentile))).ToArray();
            var ys = curve.Select(p => p.Milliseconds).ToArray();
            maxX = Math.Max(maxX, xs.Max());
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        string[] labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];
        var ticks = Enumerable.Range(0, Math.Min(labels.Length, (int)Math.Ceiling(maxX) + 1)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => (double)t).ToArray(), ticks.Select(t => labels[t]).ToArray());
        plot.Title(title);
        plot.XLabel("percentile");
        plot.YLabel("milliseconds");
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>One bar per label.</summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        var plot = new Plot();
        var bars = plot.Add.Bars(values.ToArray());
        for (var i = 0; i < bars.Bars.Count; i++) bars.Bars[i].Label = Format.Rate(values[i]);
        bars.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.SavePng(path, Width, Height);
    }
}
