using System.Diagnostics.Metrics;

namespace Seqline.Diagnostics;

/// <summary>
/// The names Seqline's telemetry goes out under, for a host or a collector to subscribe to. The
/// instruments and spans themselves are listed in docs/operations.md.
/// </summary>
public static class SeqlineDiagnostics
{
    /// <summary>The <see cref="Meter"/> every Seqline instrument belongs to.</summary>
    public const string MeterName = "Seqline";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of Seqline's own spans (appends, fan-out).</summary>
    public const string ActivitySourceName = "Seqline";

    /// <summary>The tag of the health checks <c>/health/ready</c> runs.</summary>
    public const string ReadinessTag = "ready";

    /// <summary>
    /// A latency histogram in seconds, with buckets from half a millisecond (an append on a fast
    /// disk) to ten seconds (a store that is failing), closer together between 5 and 150 ms, where
    /// the latency goals of a chat backend lie (a p99 of 25 or 50 ms must be told from one of 100).
    /// </summary>
    public static Histogram<double> CreateDurationHistogram(this Meter meter, string name, string description) =>
        meter.CreateHistogram(name, "s", description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>A size histogram (entries per append, writes per commit), with buckets from 1 to 1000.</summary>
    public static Histogram<long> CreateSizeHistogram(this Meter meter, string name, string unit, string description) =>
        meter.CreateHistogram(name, unit, description, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });

    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly long[] SizeBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
}
