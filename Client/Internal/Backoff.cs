namespace Seqline.Client.Internal;

internal static class Backoff
{
    public static TimeSpan Exponential(TimeSpan baseDelay, int retry, TimeSpan maxDelay)
    {
        var ticks = Math.Min(baseDelay.Ticks * Math.Pow(2, retry - 1), maxDelay.Ticks);
        return Jitter(TimeSpan.FromTicks((long)ticks));
    }

    // ±20%: clients that failed together, e.g. when a server restarted, should not come back together.
    public static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + Random.Shared.NextDouble() * 0.4);
}
