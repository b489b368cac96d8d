namespace Seqline.Timelines;

/// <summary>Operations every store gets from the contract's primitives.</summary>
public static class TimelineStoreExtensions
{
    /// <summary>
    /// Trims the leading entries older than <paramref name="cutoff"/>, at most
    /// <paramref name="maxRows"/>. Only a prefix is trimmed, so the timeline stays contiguous even if
    /// a later entry carries an older timestamp.
    /// </summary>
    public static async Task<int> TrimOlderThanAsync(
        this ITimelineStore store, string timeline, DateTimeOffset cutoff, int maxRows, CancellationToken cancellationToken = default)
    {
        var head = await store.GetHeadAsync(timeline, cancellationToken);
        var oldest = await store.ReadAfterAsync(timeline, head.TrimmedThrough, maxRows, cancellationToken);
        var through = head.TrimmedThrough;
        foreach (var entry in oldest)
        {
            if (entry.Timestamp >= cutoff) break;
            through = entry.Seq;
        }
        return through == head.TrimmedThrough ? 0 : await store.TrimThroughAsync(timeline, through, maxRows, cancellationToken);
    }

    internal static void RequireValidAppend(string timeline, IReadOnlyList<TimelineEntry> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(timeline);
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Seq != entries[i - 1].Seq + 1)
                throw new ArgumentException($"Entries for '{timeline}' are not consecutive at seq {entries[i].Seq}.", nameof(entries));
        }
        if (entries.Count > 0 && entries[0].Seq < 1)
            throw new ArgumentException("Seqs start at 1.", nameof(entries));
    }
}
