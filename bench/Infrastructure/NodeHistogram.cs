using System.Globalization;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// One of the node's own histograms as its Prometheus endpoint serves it: cumulative counts per
/// upper bound (<c>le</c>), summed over every other label unless <c>labels</c> picks some. Two reads
/// subtract into what the node recorded between them, so a phase reports the node's own view of its
/// latency beside what the clients measured.
/// </summary>
public sealed record NodeHistogram(IReadOnlyList<(double UpperBound, double Count)> Buckets)
{
    /// <summary>Everything recorded.</summary>
    public double Count => Buckets.Count == 0 ? 0 : Buckets[^1].Count;

    /// <summary>The histogram <paramref name="metric"/> (its base name, without <c>_bucket</c>) in Prometheus text.</summary>
    public static NodeHistogram Parse(string text, string metric, params (string Name, string Value)[] labels)
    {
        var counts = new SortedDictionary<double, double>();
        foreach (var (name, sampleLabels, count) in new PrometheusText(text).Samples())
        {
            if (name != metric + "_bucket" || !sampleLabels.TryGetValue("le", out var le)) continue;
            if (!labels.All(l => sampleLabels.TryGetValue(l.Name, out var value) && value == l.Value)) continue;
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            counts[bound] = counts.GetValueOrDefault(bound) + count;
        }
        return new NodeHistogram(counts.Select(c => (c.Key, c.Value)).ToList());
    }

    /// <summary>What was recorded after <paramref name="earlier"/> was read (same buckets: the node's are fixed).</summary>
    public NodeHistogram Since(NodeHistogram earlier)
    {
        var before = earlier.Buckets.ToDictionary(b => b.UpperBound, b => b.Count);
        return new NodeHistogram(Buckets.Select(b => (b.UpperBound, b.Count - before.GetValueOrDefault(b.UpperBound))).ToList());
    }

    /// <summary>
    /// The value below which <paramref name="quantile"/> (0–1) of the recordings lie, in the histogram's
    /// unit, interpolated linearly within its bucket; null when nothing was recorded. Above the last
    /// finite bound it says that bound.
    /// </summary>
    public double? Quantile(double quantile)
    {
        if (Count <= 0) return null;
        var rank = quantile * Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (bound, cumulative) in Buckets)
        {
            if (cumulative >= rank)
            {
                if (double.IsPositiveInfinity(bound)) return lower;
                var inBucket = cumulative - below;
                return inBucket <= 0 ? bound : lower + (bound - lower) * (rank - below) / inBucket;
            }
            (lower, below) = (bound, cumulative);
        }
        return lower;
    }
}
