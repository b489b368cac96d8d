using Seqline.Bench.Infrastructure;
using Seqline.Bench.Scenarios.Limits;

namespace Seqline.Bench.Scenarios.E2e;

/// <summary>Sizes of the end-to-end scenario.</summary>
public sealed record E2eOptions
{
    public NodeMode Node { get; init; } = NodeMode.InProcess;
    public int Users { get; init; } = 20;
    public int DevicesPerUser { get; init; } = 2;
    public int GroupSize { get; init; } = 10;

    /// <summary>Members of the one large group (all users, topped up with user ids that never connect); 0 for none.</summary>
    public int BigGroupMembers { get; init; } = 50;

    /// <summary>Shares of sends going to 1:1 chats, 10-member groups and the large group.</summary>
    public double DirectShare { get; init; } = 0.60;
    public double GroupShare { get; init; } = 0.39;
    public double BigShare { get; init; } = 0.01;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);
    public double WarmupRate { get; init; } = 50;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait after a phase for every push of its messages to arrive.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Sends in flight in the saturation phase (a closed loop).</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Offered sends/s of the fixed-rate phase; half the saturation rate when not given.</summary>
    public double? Rate { get; init; }

    /// <summary>Sends the fixed-rate phase lets be in flight before it skips (and counts) the rest.</summary>
    public int MaxOutstanding { get; init; } = 20_000;

    public int BodyBytes { get; init; } = 100;

    /// <summary>Devices mark others' messages read, at most once a second per conversation (receipts and their notices on).</summary>
    public bool MarkRead { get; init; } = true;

    /// <summary>Devices acknowledge pushed messages (the client library's default), so senders see them delivered.</summary>
    public bool Acknowledge { get; init; } = true;

    /// <summary>
    /// Pairs of saturation windows after the fixed-rate phase, the devices acknowledging pushes in one of each
    /// pair and pausing (<c>SeqlineClient.AcknowledgingDeliveries</c>) in the other, in ABBA order: receipts on
    /// against off within one run, where the host's drift between runs cancels out. 0: none.
    /// </summary>
    public int AcknowledgementPairs { get; init; }

    public int SetupConcurrency { get; init; } = 16;

    /// <summary>Whether to measure the raw limits first, in the same run, for the ratios.</summary>
    public bool RunLimits { get; init; } = true;

    public LimitsOptions Limits { get; init; } = LimitsOptions.Smoke;

    public int Seed { get; init; } = 1;

    public static E2eOptions Smoke { get; } = new();

    public static E2eOptions Full { get; } = new()
    {
        Node = NodeMode.Process,
        Users = 1000,
        BigGroupMembers = 5000,
        Warmup = TimeSpan.FromSeconds(10),
        WarmupRate = 200,
        Duration = TimeSpan.FromSeconds(30),
        DrainTimeout = TimeSpan.FromSeconds(180),
        Concurrency = 128,
        SetupConcurrency = 32,
        Limits = LimitsOptions.Full,
    };
}
