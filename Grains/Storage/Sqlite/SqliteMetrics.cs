using System.Diagnostics.Metrics;
using Seqline.Diagnostics;

namespace Seqline.Storage.Sqlite;

/// <summary>The embedded node's single SQLite writer: how much waits for it, and what each group commit costs.</summary>
public sealed class SqliteMetrics
{
    private readonly Meter _meter;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _commitWrites;
    private readonly Counter<long> _commitFailures;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Counter<long> _writerCacheMisses;

    public SqliteMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(SeqlineDiagnostics.MeterName);
        _commitDuration = _meter.CreateDurationHistogram("seqline.sqlite.commit.duration",
            "Time of one group commit, from its first write to durable (fsync included with synchronous=FULL).");
        _commitWrites = _meter.CreateSizeHistogram("seqline.sqlite.commit.writes", "{write}",
            "Writes (appends, rows, grain states, reminders) that one group commit made durable.");
        _commitFailures = _meter.CreateCounter<long>("seqline.sqlite.commit.failures", "{commit}",
            "Group commits that failed as a whole; every write in them was refused.");
        _checkpointDuration = _meter.CreateDurationHistogram("seqline.sqlite.checkpoint.duration",
            "Time of one checkpoint (the WAL copied back into the database file): by the checkpointer beside the writer, or by the writer for what it added meanwhile.");
        _writerCacheMisses = _meter.CreateCounter<long>("seqline.sqlite.writer.cache_misses", "{page}",
            "Pages the writer read back from the WAL or the database file because its cache (Seqline:Storage:Sqlite:WriterCacheMiB) no longer held them.");
    }

    /// <summary>Reports the writer's queue, read whenever metrics are collected.</summary>
    internal void ObserveQueue(Func<long> depth) =>
        _meter.CreateObservableGauge("seqline.sqlite.queue.depth", depth, "{write}",
            "Writes waiting for the SQLite writer: each goes into the next group commit.");

    internal void Committed(int writes, TimeSpan elapsed)
    {
        _commitDuration.Record(elapsed.TotalSeconds);
        _commitWrites.Record(writes);
    }

    /// <param name="by"><c>checkpointer</c> (the pass beside the writer) or <c>writer</c> (what the writer added during it).</param>
    internal void Checkpointed(string by, TimeSpan elapsed) =>
        _checkpointDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("seqline.checkpoint.by", by));

    internal void CheckpointFailed(string by, TimeSpan elapsed) =>
        _checkpointDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("seqline.checkpoint.by", by),
            new KeyValuePair<string, object?>("error.type", "checkpoint"));

    internal void WriterCacheMissed(long pages) => _writerCacheMisses.Add(pages);

    internal void CommitFailed(TimeSpan elapsed)
    {
        _commitDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("error.type", "commit"));
        _commitFailures.Add(1);
    }
}
