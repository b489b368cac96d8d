using HdrHistogram;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// A latency distribution in microseconds (HdrHistogram, 1 µs to 10 min, 3 significant digits), safe to
/// record into from many threads. Values above the range are clamped to it and counted in <see cref="Clamped"/>.
/// </summary>
public sealed class Latency
{
    private const long Highest = 600_000_000;
    private readonly LongHistogram _histogram = new(1, Highest, 3);
    private long _clamped;

    public long Count
    {
        get { lock (_histogram) return _histogram.TotalCount; }
    }

    public long Clamped => Interlocked.Read(ref _clamped);

    public void RecordMicroseconds(double microseconds)
    {
        var value = (long)Math.Round(microseconds);
        if (value < 1) value = 1;
        if (value > Highest)
        {
            value = Highest;
            Interlocked.Increment(ref _clamped);
        }
        lock (_histogram) _histogram.RecordValue(value);
    }

    /// <summary>Records the time from <paramref name="startTicks"/> (a <see cref="Clock.Now"/>) to now.</summary>
    public void RecordSince(long startTicks) => RecordMicroseconds(Clock.Microseconds(startTicks, Clock.Now));

    /// <summary>The value at a percentile (0–100), in milliseconds; 0 when nothing was recorded.</summary>
    public double Milliseconds(double percentile)
    {
        lock (_histogram) return _histogram.TotalCount == 0 ? 0 : _histogram.GetValueAtPercentile(percentile) / 1000.0;
    }

    public double MaxMilliseconds
    {
        get { lock (_histogram) return _histogram.TotalCount == 0 ? 0 : _histogram.GetMaxValue() / 1000.0; }
    }

    public LatencySummary Summary() => new(Count, Milliseconds(50), Milliseconds(99), Milliseconds(99.9), MaxMilliseconds);

    public void Add(Latency other)
    {
        foreach (var (value, count) in other.Buckets()) AddBucket(value, count);
    }

    /// <summary>(value in µs, count) pairs, enough to rebuild the distribution in another process.</summary>
    public List<(long Value, long Count)> Buckets()
    {
        lock (_histogram)
        {
            return _histogram.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo)).ToList();
        }
    }

    public void AddBucket(long value, long count)
    {
        lock (_histogram) _histogram.RecordValueWithCount(Math.Clamp(value, 1, Highest), count);
    }

    /// <summary>Percentile curve for charts: (percentile, milliseconds) from 0 to the largest value.</summary>
    public List<(double Percentile, double Milliseconds)> Curve()
    {
        lock (_histogram)
        {
            if (_histogram.TotalCount == 0) return [];
            return _histogram.Percentiles(5).Select(p => (p.Percentile, p.ValueIteratedTo / 1000.0)).ToList();
        }
    }
}

/// <summary>Count and percentiles of a latency distribution, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P99, double P999, double Max);
