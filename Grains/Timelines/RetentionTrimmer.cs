using Seqline.Hosting;

namespace Seqline.Timelines;

/// <summary>
/// Trims a timeline's expired head one bounded batch at a time. Each batch is a separate store
/// call, so the grain that runs it (an interleaving timer) serves requests between batches.
/// </summary>
internal static class RetentionTrimmer
{
    /// <summary>Trims entries older than <paramref name="cutoff"/>; returns the new trim mark.</summary>
    public static async Task<long> TrimExpired(ITimelineStore store, string timeline, DateTimeOffset cutoff, RetentionOptions options, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested
               && await store.TrimOlderThanAsync(timeline, cutoff, options.TrimBatchRows, cancellationToken) > 0)
        {
        }
        return (await store.GetHeadAsync(timeline, cancellationToken)).TrimmedThrough;
    }
}
