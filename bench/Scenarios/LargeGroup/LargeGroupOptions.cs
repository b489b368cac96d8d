using Seqline.Bench.Infrastructure;
using Seqline.Hosting;

namespace Seqline.Bench.Scenarios.LargeGroup;

public sealed record LargeGroupOptions
{
    /// <summary>Members of the group, its creator (the sender) included.</summary>
    public int Members { get; init; } = 2_000;

    /// <summary>
    /// 0: one node in the bench's process, on SQLite. More: that many silo processes forming a
    /// cluster on Azure tables in Azurite, reached through a cluster client (for correctness: Azurite
    /// is no benchmark).
    /// </summary>
    public int Silos { get; init; }

    /// <summary>What a cluster (<see cref="Silos"/> above 0) runs on: <c>AzureTables</c> (Azurite) or <c>Postgres</c>.</summary>
    public StorageProvider Store { get; init; } = StorageProvider.AzureTables;

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

/// <summary>
/// What a phase (the connects, the disconnects, the sends) wrote: to one node's SQLite file
/// (<see cref="StoreMeter"/>), or to a cluster's Azure tables (<see cref="AzureTableMeter"/>, rows
/// whose timestamp moved, so a row written twice counts once).
/// </summary>
/// <param name="Writes">SQLite: writes committed by the node's single writer (every grain-state, timeline and row write). Azure: rows written in any table.</param>
/// <param name="GrainStateWrites">Grain-state writes (SQLite: from the rows' versions; Azure: rows of the state and pub-sub tables).</param>
/// <param name="TimelineRows">Conversation and inbox timeline rows added (Azure: written).</param>
/// <param name="Reminders">SQLite: reminders registered less those removed (each is a write too). Azure: in <paramref name="Breakdown"/>.</param>
/// <param name="Breakdown">SQLite: grain-state writes per grain type. Azure: rows written per table.</param>
public sealed record StoreWrites(long Writes, long GrainStateWrites, long TimelineRows, long Reminders, IReadOnlyDictionary<string, long> Breakdown);

/// <summary>One message to the group: its acknowledgement and its pushes to every online device.</summary>
/// <param name="Reached">Online devices that got it.</param>
/// <param name="FirstMilliseconds">From the send call to the first device's push.</param>
public sealed record MessageRun(int Number, long Seq, double AckMilliseconds, int Reached, double FirstMilliseconds, LatencySummary Push);

public sealed record LargeGroupResult
{
    public required LargeGroupOptions Options { get; init; }
    public required string LoadBefore { get; init; }

    /// <summary>What ran the group, from <see cref="ILargeGroupTarget.Description"/>.</summary>
    public required string Target { get; init; }

    /// <summary>How store writes were counted, from <see cref="IGroupStore.Counting"/>.</summary>
    public required string Counting { get; init; }
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
    /// <summary>Each silo process while the messages went out (the bench's own process when the node is in it).</summary>
    public required IReadOnlyList<ProcessUse> DuringSends { get; init; }
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
