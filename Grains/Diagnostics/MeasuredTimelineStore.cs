using System.Diagnostics;
using Seqline.Timelines;

namespace Seqline.Diagnostics;

/// <summary>
/// A timeline store that measures the store it wraps: a span and the size and latency of every
/// append, the latency of every read. What the store does is unchanged, failures included.
/// </summary>
public sealed class MeasuredTimelineStore(ITimelineStore inner, string name, TimelineMetrics metrics) : ITimelineStore
{
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => inner.EnsureCreatedAsync(cancellationToken);

    public async Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        using var span = SeqlineActivities.StartAppend(name, timeline, entries.Count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await inner.AppendAsync(timeline, entries, cancellationToken);
        }
        catch (Exception error)
        {
            metrics.AppendFailed(name, error, Stopwatch.GetElapsedTime(started));
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            throw;
        }
        metrics.Appended(name, entries.Count, Stopwatch.GetElapsedTime(started));
    }

    public Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        Measure("after", () => inner.ReadAfterAsync(timeline, afterSeq, limit, cancellationToken));

    public Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        Measure("before", () => inner.ReadBeforeAsync(timeline, beforeSeq, limit, cancellationToken));

    public Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default) =>
        Measure("head", () => inner.GetHeadAsync(timeline, cancellationToken));

    public Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default) =>
        inner.ReplaceAsync(timeline, entry, cancellationToken);

    public Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default) =>
        inner.TrimThroughAsync(timeline, throughSeq, maxRows, cancellationToken);

    // The read is started in here, so that the clock includes whatever of it runs synchronously.
    private async Task<T> Measure<T>(string read, Func<Task<T>> reading)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await reading();
        }
        finally
        {
            metrics.Read(name, read, Stopwatch.GetElapsedTime(started));
        }
    }
}
