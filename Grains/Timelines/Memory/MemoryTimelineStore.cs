namespace Seqline.Timelines.Memory;

/// <summary>
/// Timelines in process memory. For tests only: nothing survives the process, so no host
/// configuration selects it by default.
/// </summary>
public sealed class MemoryTimelineStore : ITimelineStore
{
    private readonly Dictionary<string, Log> _logs = new(StringComparer.Ordinal);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => Task.CompletedTask; // no tables

    /// <summary>How many entries have been appended in all, so tests can count store writes.</summary>
    public long EntriesAppended { get; private set; }

    public Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        TimelineStoreExtensions.RequireValidAppend(timeline, entries);
        if (entries.Count == 0) return Task.CompletedTask;
        lock (_logs)
        {
            var log = LogOf(timeline);
            var last = log.TrimmedThrough + log.Entries.Count;
            if (entries[0].Seq <= last) throw new TimelineConflictException(timeline, entries[0].Seq);
            if (entries[0].Seq != last + 1)
                throw new ArgumentException($"Append to '{timeline}' at {entries[0].Seq} leaves a gap after {last}.", nameof(entries));
            log.Entries.AddRange(entries);
            EntriesAppended += entries.Count;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        lock (_logs)
        {
            var log = LogOf(timeline);
            if (afterSeq < log.TrimmedThrough) throw new TimelineTrimmedException(timeline, log.TrimmedThrough);
            var start = (int)Math.Min(afterSeq - log.TrimmedThrough, log.Entries.Count);
            return Task.FromResult<IReadOnlyList<TimelineEntry>>(log.Entries.Skip(start).Take(limit).ToArray());
        }
    }

    public Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        lock (_logs)
        {
            var log = LogOf(timeline);
            var end = (int)Math.Clamp(beforeSeq - 1 - log.TrimmedThrough, 0, log.Entries.Count);
            var start = Math.Max(0, end - limit);
            return Task.FromResult<IReadOnlyList<TimelineEntry>>(log.Entries.GetRange(start, end - start).ToArray());
        }
    }

    public Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_logs)
        {
            var log = LogOf(timeline);
            var index = entry.Seq - log.TrimmedThrough - 1;
            if (index < 0 || index >= log.Entries.Count) throw new KeyNotFoundException($"Timeline '{timeline}' holds no seq {entry.Seq}.");
            log.Entries[(int)index] = log.Entries[(int)index] with { Payload = entry.Payload };
        }
        return Task.CompletedTask;
    }

    public Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default)
    {
        lock (_logs)
        {
            var log = LogOf(timeline);
            return Task.FromResult(new TimelineHead(log.TrimmedThrough + log.Entries.Count, log.TrimmedThrough));
        }
    }

    public Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default)
    {
        lock (_logs)
        {
            var log = LogOf(timeline);
            var count = (int)Math.Clamp(throughSeq - log.TrimmedThrough, 0, Math.Min(maxRows, log.Entries.Count));
            log.Entries.RemoveRange(0, count);
            log.TrimmedThrough += count;
            return Task.FromResult(count);
        }
    }

    private Log LogOf(string timeline)
    {
        if (!_logs.TryGetValue(timeline, out var log)) _logs[timeline] = log = new Log();
        return log;
    }

    private sealed class Log
    {
        public List<TimelineEntry> Entries { get; } = [];
        public long TrimmedThrough { get; set; }
    }
}
