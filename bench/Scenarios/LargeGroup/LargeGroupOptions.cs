using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.LargeGroup;

public sealed record LargeGroupOptions
{
    /// <summary>Members of the group, its creator (the sender) included.</summary>
    public int Members { get; init; } = 2_000;

    /// <summary>Members with a device online (never the sender).</summary>
    public int Online { get; init; } = 200;

    /// <summary>Measured messages, sent one at a time: the next once every device has the last.</summary>
    public int Messages { get; init; } = 5;

    /// <summary>Devices registering with their inboxes at once.</summary>
    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>Longest wait for every member's inbox to know the group.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Longest wait for one message to reach every online device.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long after the last message late copies are still counted, and how much longer than
    /// the node's checkpoint interval the store must have committed nothing before and after a
    /// phase whose writes are counted (so an inbox checkpoint due from earlier work is not counted,
    /// and one a phase causes is).
    /// </summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The node's <c>Seqline:Sync:CheckpointInterval</c>; unset, the product's (10 s). Shorter
    /// makes the quiet waits shorter, for smoke runs.
    /// </summary>
    public TimeSpan? CheckpointInterval { get; init; }

    public static LargeGroupOptions Smoke { get; } = new();

    public static LargeGroupOptions Full { get; } = new()
    {
        Members = 100_000,
        Online = 10_000,
        Messages = 20,
        JoinTimeout = TimeSpan.FromMinutes(15),
        DeliveryTimeout = TimeSpan.FromSeconds(120),
    };
}

/// <summary>What a phase (the connects, the disconnects, the sends) made the node write to its SQLite file.</summary>
/// <param name="Writes">Writes committed by the node's single SQLite writer (every grain-state, timeline and row write).</param>
/// <param name="GrainStateWrites">Grain-state row writes, from the rows' versions.</param>
/// <param name="TimelineRows">Conversation and inbox timeline rows added.</param>
/// <param name="Reminders">Reminders registered less those removed (each is a write too).</param>
/// <param name="GrainStateByType">Grain-state writes per grain type.</param>
public sealed record StoreWrites(long Writes, long GrainStateWrites, long TimelineRows, long Reminders, IReadOnlyDictionary<string, long> GrainStateByType);

/// <summary>One message to the group: its acknowledgement and its pushes to every online device.</summary>
/// <param name="Reached">Online devices that got it.</param>
/// <param name="FirstMilliseconds">From the send call to the first device's push.</param>
public sealed record MessageRun(int Number, long Seq, double AckMilliseconds, int Reached, double FirstMilliseconds, LatencySummary Push);

public sealed record LargeGroupResult
{
    public required LargeGroupOptions Options { get; init; }
    public required string LoadBefore { get; init; }
    public required double CreateSeconds { get; init; }
    public required double JoinSeconds { get; init; }
    public required double ConnectSeconds { get; init; }
    public required LatencySummary Connect { get; init; }
    public required StoreWrites ConnectWrites { get; init; }
    public required int FollowersOnline { get; init; }
    public required MessageRun Warmup { get; init; }
    public required IReadOnlyList<MessageRun> Messages { get; init; }
    public required Latency Push { get; init; }
    public required StoreWrites SendWrites { get; init; }
    public required ProcessUse DuringSends { get; init; }
    public required long Duplicates { get; init; }
    public required long Strays { get; init; }
    public required long PullHints { get; init; }
    public required LargestRow? LargestGrainState { get; init; }
    public required IReadOnlyList<LargestRow> LargestRows { get; init; }
    public required double DisconnectSeconds { get; init; }
    public required StoreWrites DisconnectWrites { get; init; }
    public required int FollowersAfter { get; init; }

    /// <summary>Every online device got every message, the warm-up included, and nothing twice.</summary>
    public bool EveryDeviceOnce => Duplicates == 0 && Strays == 0 && Warmup.Reached == Options.Online && Messages.All(m => m.Reached == Options.Online);

    /// <summary>The relay held exactly the online members while they were online, and nobody after.</summary>
    public bool FollowersExact => FollowersOnline == Options.Online && FollowersAfter == 0;

    public bool Passed => EveryDeviceOnce && FollowersExact;
}
