namespace Seqline.Bench.Scenarios.Peer;

/// <summary>What `bench peer` runs against: Seqline with sends over the hub or over HTTP, and ejabberd.</summary>
public enum PeerTarget
{
    SeqlineHub,
    SeqlineHttp,
    Ejabberd,
}

/// <summary>Sizes of the peer scenario; the same for every target.</summary>
public sealed record PeerOptions
{
    /// <summary>1:1 pairs of users, both online: users = 2 × pairs.</summary>
    public int Pairs { get; init; } = 5;

    public IReadOnlyList<PeerTarget> Targets { get; init; } = [PeerTarget.SeqlineHub, PeerTarget.SeqlineHttp, PeerTarget.Ejabberd];

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);
    public double WarmupRate { get; init; } = 20;

    /// <summary>Length of each measured phase: saturation, half of it, the common rate.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Sends in flight in the closed loop that finds a server's saturation.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>
    /// The offered rate every target gets in the last phase, the same for all so that their latencies
    /// compare at equal load (the 600/s with --full).
    /// </summary>
    public double CommonRate { get; init; } = 50;

    /// <summary>Sends the open loops let be in flight before they skip (and count) the rest.</summary>
    public int MaxOutstanding { get; init; } = 20_000;

    /// <summary>How long to wait after a phase for every message of it to reach its recipient.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public int BodyBytes { get; init; } = 100;

    /// <summary>Install ejabberd and erlang-p1-sqlite3 with apt-get when missing.</summary>
    public bool Install { get; init; }

    public static PeerOptions Smoke { get; } = new();

    public static PeerOptions Full { get; } = new()
    {
        Pairs = 100,
        Warmup = TimeSpan.FromSeconds(10),
        WarmupRate = 100,
        Duration = TimeSpan.FromSeconds(30),
        Concurrency = 128,
        CommonRate = 600,
        DrainTimeout = TimeSpan.FromSeconds(120),
    };
}
