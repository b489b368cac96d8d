namespace Seqline.Bench.Infrastructure;

/// <summary>Garbage collection in a process over a window: full collections and the time paused.</summary>
public sealed record GcUse(long Gen2Collections, double PauseMilliseconds)
{
    /// <summary>This process's collections since <paramref name="before"/> (a reading of <see cref="Now"/>).</summary>
    public GcUse Since(GcUse before) => new(Gen2Collections - before.Gen2Collections, PauseMilliseconds - before.PauseMilliseconds);

    public static GcUse Now() => new(GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

    public override string ToString() => $"{Gen2Collections} / {PauseMilliseconds:0} ms";
}
