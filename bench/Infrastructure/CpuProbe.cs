using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// How fast this machine runs a fixed single-threaded loop right now, before and after a phase.
/// Saturation figures on a shared 2-core machine move by a quarter between runs minutes apart; the
/// probe tells a machine that got slower (a neighbour on the same host) apart from a system that
/// settled at a lower rate: when the probe is level and the figure is not, the difference is the
/// system's own. The best of a few tries, so that a moment of the node's background work does not
/// count as the machine being slow.
/// </summary>
public static class CpuProbe
{
    private const int Iterations = 40_000_000;

    /// <summary>Milliseconds for the fixed loop, the best of <paramref name="tries"/> (lower is faster).</summary>
    public static double Milliseconds(int tries = 3)
    {
        var best = double.MaxValue;
        for (var i = 0; i < tries; i++)
        {
            var clock = Stopwatch.StartNew();
            Sink = Loop(Sink | 1);
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    // Kept so that the loop's result is used and the JIT cannot drop it.
    private static ulong Sink = 88172645463325252UL;

    // xorshift64: a dependent chain of integer operations, no memory traffic, no allocation.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Loop(ulong x)
    {
        for (var i = 0; i < Iterations; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        return x;
    }
}
