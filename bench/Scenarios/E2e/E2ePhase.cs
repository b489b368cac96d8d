using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.E2e;

/// <summary>What happens during one phase of load, counted as it happens (thread-safe).</summary>
internal sealed class PhaseCounters(int index, string name)
{
    public int Index { get; } = index;
    public string Name { get; } = name;
    public long Sent;
    public long Acked;
    public long Failed;
    public long Skipped;
    public long Delivered;
    public long ExpectedDeliveries;
    public readonly Latency Delivery = new();
    public readonly Latency[] ByKind = [new(), new(), new()];
    public readonly Latency Ack = new();
}

/// <summary>One second of a phase.</summary>
public sealed record SeriesPoint(double Seconds, double AckedPerSecond, double DeliveredPerSecond, double PushesPerSecond, double NodeCpuPercentOfCore, long NodeRssBytes);

/// <summary>The figures of one phase. Rates are over the phase's window; latencies cover every delivery of its messages, drain included.</summary>
public sealed record E2ePhaseResult
{
    public required string Name { get; init; }
    public double? OfferedRate { get; init; }
    public int? Concurrency { get; init; }
    public required double Seconds { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Failed { get; init; }
    public required long Skipped { get; init; }
    public required double AckedPerSecond { get; init; }
    public required double DeliveredPerSecond { get; init; }
    public required double PushesPerSecond { get; init; }
    public required double PullsPerSecond { get; init; }

    /// <summary>Receipts notices (others' delivered and read positions moved in a conversation) the devices got per second.</summary>
    public double ReceiptsNoticesPerSecond { get; init; }

    /// <summary>
    /// The hub messages that carried them, as the node counted them (<c>receipts</c> for one
    /// conversation, <c>receiptsMany</c> for several), per second; null when /metrics did not say.
    /// </summary>
    public double? ReceiptsMessagesPerSecond { get; init; }

    /// <summary>Pushes (<c>events</c>) that carried receipts notices along instead, per second; null when /metrics did not say.</summary>
    public double? ReceiptsRidingPerSecond { get; init; }
    public required long StoreRows { get; init; }
    public required double StoreRowsPerSecond { get; init; }
    public required LatencySummary Delivery { get; init; }
    public required LatencySummary Direct { get; init; }
    public required LatencySummary Group { get; init; }
    public required LatencySummary Big { get; init; }
    public required LatencySummary Ack { get; init; }
    public required ProcessUse Node { get; init; }

    /// <summary>Bytes the node's process allocated in the window (its runtime's counter at /metrics); null when unknown.</summary>
    public long? NodeAllocatedBytes { get; init; }

    /// <summary>
    /// Batches of push acknowledgements the node took from devices per second in the window, by what
    /// carried them: hub messages of their own (<c>DeliveredMany</c>) and sends (riding); null when unknown.
    /// </summary>
    public (double ByMessage, double BySend)? AcknowledgementsPerSecond { get; init; }

    /// <summary>The node's full (gen2) collections and total GC pause in the window, from its runtime's counters at /metrics; null when unknown.</summary>
    public GcUse? NodeGc { get; init; }

    /// <summary>The same for the bench's process (the devices' clients); null when the node runs inside it.</summary>
    public GcUse? BenchGc { get; init; }

    /// <summary>When the window began, UTC: to line windows up with what the node does on its own clock.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The node's own latency histograms over the window; null when /metrics could not be read.</summary>
    public NodeTimings? NodeTimings { get; init; }

    /// <summary>The node's allocated bytes per send acknowledged in the window.</summary>
    public double? AllocatedBytesPerAckedSend => NodeAllocatedBytes is { } bytes && AckedInWindow > 0 ? bytes / (double)AckedInWindow : null;

    /// <summary>The node's CPU time in the window per message delivered to a device in it, in microseconds.</summary>
    public double? NodeCpuMicrosecondsPerDelivered => DeliveredInWindow > 0 ? 1e6 * Node.CpuSeconds / DeliveredInWindow : null;

    /// <summary>
    /// The bench process's CPU time in the window (the devices' clients: their sends, pushes and
    /// acknowledgements) per message delivered to a device in it, in microseconds; null when the node
    /// runs in the bench's process. On a shared machine the closed loop's rate depends on both.
    /// </summary>
    public double? ClientsCpuMicrosecondsPerDelivered => Bench is { } bench && DeliveredInWindow > 0 ? 1e6 * bench.CpuSeconds / DeliveredInWindow : null;

    /// <summary>Sends acknowledged within the window (what the window's rates count).</summary>
    public required long AckedInWindow { get; init; }

    /// <summary>Messages delivered to devices within the window.</summary>
    public required long DeliveredInWindow { get; init; }
    public ProcessUse? Bench { get; init; }

    /// <summary>CPU that neither the node nor the bench used, in percent of the whole machine: other people's work.</summary>
    public required double ForeignCpuPercentOfMachine { get; init; }
    public required long ExpectedDeliveries { get; init; }
    public required long Delivered { get; init; }
    public required double DrainSeconds { get; init; }
    public required bool Drained { get; init; }
    public required IReadOnlyList<SeriesPoint> Series { get; init; }

    /// <summary>Seconds the phase waited, before it began, for the node to go quiet after the phase before, and the node's CPU (% of a core) over the last half second of it.</summary>
    public (double Seconds, double LastPercentOfCore) Settle { get; init; }

    /// <summary>Milliseconds of <see cref="Infrastructure.CpuProbe"/> before the phase and after its drain: how fast the machine was.</summary>
    public required (double Before, double After) CpuProbe { get; init; }

    /// <summary>The distributions themselves, for charts.</summary>
    public required Latency DeliveryLatency { get; init; }
    public required Latency[] KindLatency { get; init; }
}
