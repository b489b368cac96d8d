using Seqline.Hosting;

namespace Seqline.Bench.Scenarios.Chaos;

public sealed record ChaosOptions
{
    public int Silos { get; init; } = 3;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Time between kills; a kill waits also until the previous victim is back.</summary>
    public TimeSpan KillInterval { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Stop killing after this many (null: until the end).</summary>
    public int? MaxKills { get; init; } = 1;

    public int Conversations { get; init; } = 3;
    public int MembersPerConversation { get; init; } = 3;

    /// <summary>Offered sends per second, over all senders (one per member of each conversation).</summary>
    public double Rate { get; init; } = 20;

    /// <summary>How long one HTTP attempt may take before the sender retries it on the next edge.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a sender keeps retrying one message before giving up on it (it then counts as unacknowledged).</summary>
    public TimeSpan MessageDeadline { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long to wait after the load for fan-out to finish (the recovery reminder included).</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public int Seed { get; init; } = 1;

    /// <summary>What the silos keep everything in and find each other through: AzureTables (Azurite) or Postgres.</summary>
    public StorageProvider Store { get; init; } = StorageProvider.AzureTables;

    public static ChaosOptions Smoke { get; } = new();

    public static ChaosOptions Full { get; } = new()
    {
        Duration = TimeSpan.FromMinutes(5),
        KillInterval = TimeSpan.FromSeconds(5),
        MaxKills = null,
        Conversations = 12,
        Rate = 40,
        SettleTimeout = TimeSpan.FromSeconds(240),
    };
}
