namespace Seqline.Hosting;

/// <summary>
/// Periodic saves of grains that activate together. Every inbox activates within seconds when a node
/// starts and its users reconnect, and every conversation's receipts at the first sends after it: with
/// the same first due time their checkpoints and saves would all come due in the same moment of every
/// period, a burst of thousands of writes at once (on SQLite through its one writer, which every send
/// then waits behind). Each grain's first tick falls at a random point of the second half of its first
/// period instead, so the writes spread over half the period; a grain still writes at most once per
/// period, and never sooner than half a period after it activated (a setting of an hour still means
/// no timed write within the first half hour).
/// </summary>
internal static class SpreadTimers
{
    /// <summary>A timer every <paramref name="period"/>, first due at a random point of [period/2, period].</summary>
    public static GrainTimerCreationOptions Every(TimeSpan period) => new(FirstDue(period), period);

    /// <summary>A random point of [<paramref name="period"/>/2, <paramref name="period"/>].</summary>
    public static TimeSpan FirstDue(TimeSpan period) => period / 2 + period / 2 * Random.Shared.NextDouble();
}
