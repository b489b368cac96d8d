using System.Diagnostics;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Limits;

/// <summary>Counts what a running workload does in a window that starts after a warm-up.</summary>
internal static class Windowed
{
    /// <summary>Waits <paramref name="warmup"/>, then reads the counter at the start and end of <paramref name="duration"/>.</summary>
    public static async Task<(long Count, double Seconds)> MeasureAsync(Func<long> counter, TimeSpan warmup, TimeSpan duration, IPhase? phase = null)
    {
        await Task.Delay(warmup);
        var start = counter();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(250, (duration - clock.Elapsed).TotalMilliseconds))));
            phase?.Set(clock.Elapsed / duration);
        }
        var end = counter();
        return (end - start, clock.Elapsed.TotalSeconds);
    }
}
