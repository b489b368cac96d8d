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

    public SqliteMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(SeqlineDiagnostics.MeterName);
        _commitDuration = _meter.CreateDurationHistogram("seqline.sqlite.commit.duration",
            "Time of one group commit, from its first write to durable (fsync included with synchronous=FULL).");
        _commitWrites = _meter.CreateSizeHistogram("seqline.sqlite.commit.writes", "{write}",
            "Writes (appends, rows, grain states, reminders) that one group commit made durable.");
        _commitFailures = _meter.CreateCounter<long>("seqline.sqlite.commit.failures", "{commit}",
            "Group commits that failed as a whole; every write in them was refused.");
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

    internal void CommitFailed(TimeSpan elapsed)
    {
        _commitDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("error.type", "commit"));
        _commitFailures.Add(1);
    }
}
