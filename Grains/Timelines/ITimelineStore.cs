using Seqline.Storage;

namespace Seqline.Timelines;

/// <summary>
/// Append-only logs under string keys, with contiguous sequence numbers. The narrow contract every
/// storage provider implements; the grains own the numbering, the store keeps it durable.
/// </summary>
/// <remarks>
/// A store knows nothing of messages: payloads are opaque bytes. It refuses to overwrite an entry
/// (<see cref="TimelineConflictException"/>), which is what stops a stale grain activation from
/// forking a timeline. Reads below the trimmed head throw <see cref="TimelineTrimmedException"/>
/// instead of returning a silently shorter list.
/// </remarks>
public interface ITimelineStore : IStoreSchema
{
    /// <summary>
    /// Durably appends <paramref name="entries"/>, whose seqs are consecutive and start at the
    /// timeline's last seq + 1. Returns only once the entries survive a crash.
    /// </summary>
    Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> entries with seq greater than <paramref name="afterSeq"/>, ascending.</summary>
    Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> entries with seq less than <paramref name="beforeSeq"/>, the
    /// nearest ones, returned ascending. Stops at the trimmed head.
    /// </summary>
    Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rewrites the payload of an entry that exists, keeping its seq and time: how a recalled
    /// message becomes a tombstone without a gap. Throws <see cref="KeyNotFoundException"/> when
    /// the entry is not stored (never appended, or trimmed).
    /// </summary>
    Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The last seq (0 when empty) and how far the head was trimmed.</summary>
    Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes entries with seq at or below <paramref name="throughSeq"/>, at most
    /// <paramref name="maxRows"/> of them, oldest first. Returns how many were deleted; call again
    /// until it returns 0 to trim further.
    /// </summary>
    Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default);
}

/// <summary>One entry of a timeline.</summary>
public sealed record TimelineEntry(long Seq, DateTimeOffset Timestamp, byte[] Payload);

/// <summary>Where a timeline ends, and up to which seq its head has been trimmed away.</summary>
public readonly record struct TimelineHead(long LastSeq, long TrimmedThrough);

/// <summary>An append hit a seq that is already stored: another writer got there first.</summary>
public sealed class TimelineConflictException(string timeline, long seq)
    : Exception($"Timeline '{timeline}' already holds seq {seq}.")
{
    public string Timeline { get; } = timeline;
    public long Seq { get; } = seq;
}

/// <summary>A read asked for entries that retention has already removed.</summary>
public sealed class TimelineTrimmedException(string timeline, long trimmedThrough)
    : Exception($"Timeline '{timeline}' is trimmed through seq {trimmedThrough}.")
{
    public string Timeline { get; } = timeline;
    public long TrimmedThrough { get; } = trimmedThrough;
}
