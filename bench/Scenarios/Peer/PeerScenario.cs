using Seqline.Bench.Infrastructure;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.Peer;

/// <summary>One target's run: the generator's figures and the server's CPU and memory per phase.</summary>
public sealed record PeerRun(PeerTarget Target, string Server, string Storage, GeneratorResult Result)
{
    public GeneratorPhaseResult Phase(string name) => Result.Phases.Single(p => p.Name == name);

    public GeneratorPhaseResult Saturation => Phase(PeerScenario.SaturationPhase);
    public GeneratorPhaseResult Half => Phase(PeerScenario.HalfPhase);
    public GeneratorPhaseResult Common => Phase(PeerScenario.CommonPhase);

    /// <summary>Every message of every phase reached its recipient, once, and every send was acknowledged.</summary>
    public bool DeliveredEverything => Result.Duplicates == 0 && Result.Strays == 0 &&
        Result.Phases.All(p => p.Drained && p.Failed == 0 && p.Delivered == p.Sent);
}

public sealed record PeerResult(PeerOptions Options, IReadOnlyList<PeerRun> Runs)
{
    public PeerRun? Of(PeerTarget target) => Runs.FirstOrDefault(r => r.Target == target);
}

/// <summary>
/// Seqline and ejabberd, one node each on this machine, under the same 1:1 load from the same generator
/// (bench/peer/loadgen.mjs): a closed loop to find each one's saturation, an open loop at half of it,
/// and an open loop at one rate common to all targets. Each target gets a fresh server.
/// </summary>
public static class PeerScenario
{
    public const string WarmupPhase = "warm-up";
    public const string SaturationPhase = "saturation";
    public const string HalfPhase = "half";
    public const string CommonPhase = "common";

    /// <summary>The one password of the bench's XMPP accounts (the server is private and on loopback).</summary>
    private const string XmppPassword = "seqline-bench";

    public static async Task<PeerResult> RunAsync(PeerOptions options, IBenchUi ui, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        if (options.Targets.Contains(PeerTarget.Ejabberd))
        {
            if (options.Install) await EjabberdServer.InstallAsync(ui);
            else if (!EjabberdServer.Installed)
                throw new InvalidOperationException("ejabberd is not installed: add --install (apt-get install ejabberd erlang-p1-sqlite3), or leave it out with --targets seqline-hub,seqline-http.");
        }
        await LoadGenerator.EnsureInstalledAsync(ui);

        var users = Enumerable.Range(0, options.Pairs * 2).Select(i => $"u{i:D5}").ToArray();
        var pairs = Enumerable.Range(0, options.Pairs).Select(i => new GeneratorPair(users[2 * i], users[2 * i + 1])).ToList();
        var runs = new List<PeerRun>();
        foreach (var target in options.Targets)
        {
            var folder = Path.Combine(workDirectory, target.ToString().ToLowerInvariant());
            runs.Add(target == PeerTarget.Ejabberd
                ? await RunEjabberdAsync(options, users, pairs, folder, ui)
                : await RunSeqlineAsync(options, target, users, pairs, folder, ui));
        }
        foreach (var run in runs)
        {
            ui.Info($"peer {run.Server}: saturation {Reporting.Format.Rate(run.Saturation.AckedPerSecond)} acked sends/s; " +
                    $"half ({Reporting.Format.Rate(run.Half.OfferedRate ?? 0)}/s) p99 {Reporting.Format.Ms(run.Half.Delivery().Milliseconds(99))} ms; " +
                    $"common ({Reporting.Format.Rate(run.Common.OfferedRate ?? 0)}/s) p99 {Reporting.Format.Ms(run.Common.Delivery().Milliseconds(99))} ms; " +
                    (run.DeliveredEverything ? "every message delivered once" : "NOT every message delivered once"));
        }
        return new PeerResult(options, runs);
    }

    private static async Task<PeerRun> RunSeqlineAsync(PeerOptions options, PeerTarget target, string[] users, List<GeneratorPair> pairs, string folder, IBenchUi ui)
    {
        var variant = target == PeerTarget.SeqlineHttp ? "http" : "hub";
        await using var node = await ui.PhaseAsync($"peer: start Seqline node ({variant} sends)", 1, _ => Nodes.StartSqliteAsync(NodeMode.Process, Path.Combine(folder, "node")));
        using var http = Devices.SharedHandler();
        var withConversations = new GeneratorPair[pairs.Count];
        await ui.PhaseAsync($"peer: {pairs.Count} direct conversations", pairs.Count, async phase =>
        {
            var done = 0;
            await Devices.ForEachAsync(Enumerable.Range(0, pairs.Count), 16, async i =>
            {
                await using var client = Devices.Create(node.BaseAddress, pairs[i].A, http);
                var chat = await client.CreateConversationAsync([pairs[i].B], kind: ConversationKinds.Direct);
                withConversations[i] = pairs[i] with { ConversationId = chat.ConversationId };
            }, () => phase.Set(Interlocked.Increment(ref done)));
        });
        var config = Config(options, "seqline", variant, withConversations) with
        {
            Seqline = new SeqlineTarget(node.BaseAddress.ToString().TrimEnd('/'), [.. users.Select(u => new SeqlineUser(u, Tokens.Bench.For(u)))]),
        };
        var result = await LoadGenerator.RunAsync(config, node.Pid, folder, ui, $"Seqline, {variant} sends", Within(options));
        return new PeerRun(target, result.Server, "SQLite (WAL, synchronous=FULL)", result);
    }

    private static async Task<PeerRun> RunEjabberdAsync(PeerOptions options, string[] users, List<GeneratorPair> pairs, string folder, IBenchUi ui)
    {
        await using var server = await ui.PhaseAsync($"peer: start ejabberd, register {users.Length} accounts", 1,
            _ => EjabberdServer.StartAsync(Path.Combine(folder, "ejabberd"), users, XmppPassword));
        var config = Config(options, "xmpp", "xmpp", pairs) with
        {
            Xmpp = new XmppTarget($"xmpp://127.0.0.1:{server.ClientPort}", EjabberdServer.Domain, XmppPassword, users),
        };
        var result = await LoadGenerator.RunAsync(config, server.Pid, folder, ui, $"ejabberd {server.Version}", Within(options));
        ui.Info($"peer ejabberd: {server.DescribeFiles()}");
        return new PeerRun(PeerTarget.Ejabberd, $"ejabberd {server.Version}", "SQLite (rollback journal, synchronous=FULL)", result);
    }

    private static GeneratorConfig Config(PeerOptions options, string target, string variant, IReadOnlyList<GeneratorPair> pairs) => new()
    {
        Target = target,
        Variant = variant,
        BodyBytes = options.BodyBytes,
        DrainTimeoutSeconds = options.DrainTimeout.TotalSeconds,
        MaxOutstanding = options.MaxOutstanding,
        Pairs = pairs,
        Phases =
        [
            new(WarmupPhase, options.Warmup.TotalSeconds, Rate: options.WarmupRate),
            new(SaturationPhase, options.Duration.TotalSeconds, Concurrency: options.Concurrency),
            new(HalfPhase, options.Duration.TotalSeconds, RateOfSaturation: 0.5),
            new(CommonPhase, options.Duration.TotalSeconds, Rate: options.CommonRate),
        ],
    };

    /// <summary>A bound on one generator run: its phases, their drains, and minutes for connecting.</summary>
    private static TimeSpan Within(PeerOptions options) =>
        TimeSpan.FromMinutes(5) + options.Warmup + 3 * options.Duration + 4 * options.DrainTimeout;
}
