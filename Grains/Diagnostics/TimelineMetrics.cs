using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Seqline.Diagnostics;

/// <summary>
/// Appends and reads of the timeline stores, tagged with the store (<c>conversations</c>: group
/// commits of sends; <c>inboxes</c>: deliveries into users' sync timelines).
/// </summary>
public sealed class TimelineMetrics
{
    private readonly Histogram<long> _appendSize;
    private readonly Histogram<double> _appendDuration;
    private readonly Counter<long> _appendFailures;
    private readonly Histogram<double> _readDuration;

    public TimelineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(SeqlineDiagnostics.MeterName);
        _appendSize = meter.CreateSizeHistogram("seqline.timeline.append.size", "{entry}",
            "Entries per durable append: in conversations, the sends one group commit took; in inboxes, the events one delivery added.");
        _appendDuration = meter.CreateDurationHistogram("seqline.timeline.append.duration", "Time until an append was durable (or failed).");
        _appendFailures = meter.CreateCounter<long>("seqline.timeline.append.failures", "{append}",
            "Appends that failed: error.type conflict (another writer holds the seq: a stale activation) or the exception's type.");
        _readDuration = meter.CreateDurationHistogram("seqline.timeline.read.duration",
            "Time of a timeline read (head, forward from a seq, or backward for history).");
    }

    internal void Appended(string store, int entries, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("seqline.store", store);
        _appendSize.Record(entries, tag);
        _appendDuration.Record(elapsed.TotalSeconds, tag);
    }

    internal void AppendFailed(string store, Exception error, TimeSpan elapsed)
    {
        var storeTag = new KeyValuePair<string, object?>("seqline.store", store);
        var errorTag = new KeyValuePair<string, object?>("error.type", ErrorType(error));
        _appendDuration.Record(elapsed.TotalSeconds, storeTag, errorTag);
        _appendFailures.Add(1, storeTag, errorTag);
    }

    internal void Read(string store, string read, TimeSpan elapsed) =>
        _readDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("seqline.store", store),
            new KeyValuePair<string, object?>("seqline.read", read));

    private static string ErrorType(Exception error) =>
        error is Timelines.TimelineConflictException ? "conflict" : error.GetType().FullName ?? error.GetType().Name;
}
