namespace Seqline.Bench.Scenarios.E2e;

/// <summary>One saturation window of the within-run comparison: whether the devices acknowledged pushes, and what it measured.</summary>
public sealed record AcknowledgementWindow(bool Acknowledging, E2ePhaseResult Phase);

/// <summary>
/// Receipts on against off within one run: the mean over the windows with acknowledgements of each figure,
/// over its mean over the windows without. Above 1 for throughput is better with them; above 1 for a cost is worse.
/// </summary>
public sealed record AcknowledgementComparison(double AckedPerSecond, double? CpuPerDelivered, double? ClientsCpuPerDelivered, double? AllocatedPerSend)
{
    /// <summary>Null unless there is at least one window of each kind.</summary>
    public static AcknowledgementComparison? Of(IReadOnlyList<AcknowledgementWindow> windows)
    {
        var on = windows.Where(w => w.Acknowledging).Select(w => w.Phase).ToList();
        var off = windows.Where(w => !w.Acknowledging).Select(w => w.Phase).ToList();
        if (on.Count == 0 || off.Count == 0) return null;
        return new AcknowledgementComparison(
            Ratio(on, off, p => p.AckedPerSecond)!.Value,
            Ratio(on, off, p => p.NodeCpuMicrosecondsPerDelivered),
            Ratio(on, off, p => p.ClientsCpuMicrosecondsPerDelivered),
            Ratio(on, off, p => p.AllocatedBytesPerAckedSend));
    }

    private static double? Ratio(List<E2ePhaseResult> on, List<E2ePhaseResult> off, Func<E2ePhaseResult, double?> figure)
    {
        var a = on.Select(figure).ToList();
        var b = off.Select(figure).ToList();
        if (a.Any(v => v is null) || b.Any(v => v is null)) return null;
        var denominator = b.Average(v => v!.Value);
        return denominator > 0 ? a.Average(v => v!.Value) / denominator : null;
    }
}
