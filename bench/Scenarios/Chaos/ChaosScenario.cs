using System.Diagnostics;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Bench.Scenarios.Chaos;

public sealed record ChaosResult
{
    public required ChaosOptions Options { get; init; }
    public required IReadOnlyList<double> KillTimes { get; init; }
    public required IReadOnlyList<double> RestartSeconds { get; init; }
    public required double LoadSeconds { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long AckedAsDuplicate { get; init; }
    public required long Unacknowledged { get; init; }
    public required long Rejected { get; init; }
    public required long Retries { get; init; }
    public required bool Settled { get; init; }
    public required double SettleSeconds { get; init; }
    public required ChaosCheck Check { get; init; }
    public required IReadOnlyList<double> AckTimes { get; init; }
    public IReadOnlyList<string> Rejections { get; init; } = [];

    public int Kills => KillTimes.Count;

    /// <summary>The goal: nothing acknowledged lost, nothing stored twice, every timeline and inbox whole.</summary>
    public bool Passed => Settled && Check.Clean && Rejected == 0;
}

/// <summary>
/// A cluster of real Seqline.Silo processes on Azure Table storage (Azurite) or PostgreSQL; senders keep sending with retries
/// while a random silo is SIGKILLed and restarted every few seconds; then storage is checked.
/// </summary>
public static class ChaosScenario
{
    public static async Task<ChaosResult> RunAsync(ChaosOptions options, IBenchUi ui, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        await using var store = await ui.PhaseAsync($"chaos: start {options.Store}", 1, _ => ClusterStore.StartAsync(options.Store, "chaos"));
        var silos = new List<NodeProcess>();
        try
        {
            await ui.PhaseAsync($"chaos: start {options.Silos} silos", options.Silos, async phase =>
            {
                var done = 0;
                var started = await Task.WhenAll(Enumerable.Range(0, options.Silos).Select(async i =>
                {
                    var silo = await NodeProcess.StartAsync($"silo {i}", NodeSettings.AsEnvironment(Settings(store)), Path.Combine(workDirectory, $"silo{i}"));
                    phase.Set(Interlocked.Increment(ref done));
                    return silo;
                }));
                silos.AddRange(started);
            });

            var senders = new ChaosSenders(silos.Select(s => s.BaseAddress).ToList(), options);
            var users = Enumerable.Range(0, Math.Max(options.MembersPerConversation, options.Conversations)).Select(i => $"m{i:D3}").ToArray();
            var membersOf = new Dictionary<string, string[]>();
            for (var c = 0; c < options.Conversations; c++)
            {
                var members = Enumerable.Range(c, options.MembersPerConversation).Select(i => users[i % users.Length]).ToArray();
                membersOf[await senders.CreateGroupAsync(members[0], members[1..])] = members;
            }

            var random = new Random(options.Seed);
            var killTimes = new List<double>();
            var restarts = new List<double>();
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var senderCount = membersOf.Values.Sum(m => m.Length);
            var interval = TimeSpan.FromSeconds(senderCount / options.Rate);
            var seed = 0;
            var load = Task.WhenAll(membersOf.SelectMany(c => c.Value.Select(member =>
                Task.Run(() => senders.RunAsync(c.Key, member, interval, clock, stop.Token, options.Seed * 1000 + Interlocked.Increment(ref seed))))));

            await ui.PhaseAsync($"chaos: {options.Rate:0} sends/s for {options.Duration.TotalSeconds:0} s, kill -9 a silo every {options.KillInterval.TotalSeconds:0} s", options.Duration.TotalSeconds, async phase =>
            {
                var nextKill = options.KillInterval;
                while (clock.Elapsed < options.Duration)
                {
                    var wait = Min(nextKill - clock.Elapsed, options.Duration - clock.Elapsed, TimeSpan.FromMilliseconds(500));
                    if (wait > TimeSpan.Zero) await Task.Delay(wait);
                    phase.Set(clock.Elapsed.TotalSeconds);
                    phase.Describe($"{senders.AckTimes.Count:N0} acked, {killTimes.Count} kills");
                    if (clock.Elapsed < nextKill || clock.Elapsed >= options.Duration || killTimes.Count >= (options.MaxKills ?? int.MaxValue)) continue;

                    var victim = silos[random.Next(silos.Count)];
                    var killedAt = clock.Elapsed;
                    victim.Kill();
                    killTimes.Add(killedAt.TotalSeconds);
                    var restart = Stopwatch.StartNew();
                    await victim.RestartAsync();
                    restarts.Add(restart.Elapsed.TotalSeconds);
                    nextKill = Max(killedAt + options.KillInterval, clock.Elapsed);
                }
                await stop.CancelAsync();
                phase.Describe("waiting for the last sends");
                await load.WaitAsync(options.MessageDeadline + options.AttemptTimeout + TimeSpan.FromSeconds(30));
            });
            var loadSeconds = clock.Elapsed.TotalSeconds;

            var verifier = new ChaosVerifier(store.Timelines(TimelineStoreNames.Conversations), store.Timelines(TimelineStoreNames.Inboxes));
            var settle = Stopwatch.StartNew();
            var settled = await ui.PhaseAsync("chaos: wait for fan-out to finish", options.SettleTimeout.TotalSeconds, async phase =>
            {
                while (settle.Elapsed < options.SettleTimeout)
                {
                    if (await verifier.InboxesCaughtUpAsync(membersOf)) return true;
                    phase.Set(settle.Elapsed.TotalSeconds);
                    await Task.Delay(500);
                }
                return false;
            });
            var settleSeconds = settle.Elapsed.TotalSeconds;
            var messages = senders.Messages.ToList();
            var check = await ui.PhaseAsync("chaos: verify storage", 1, _ => verifier.CheckAsync(membersOf, messages));

            var result = new ChaosResult
            {
                Options = options,
                KillTimes = killTimes,
                RestartSeconds = restarts,
                LoadSeconds = loadSeconds,
                Sent = messages.Count,
                Acked = messages.Count(m => m.AckedSeq is not null),
                AckedAsDuplicate = messages.Count(m => m.AckedAsDuplicate),
                Unacknowledged = messages.Count(m => m.AckedSeq is null && m.Rejected is null),
                Rejected = messages.Count(m => m.Rejected is not null),
                Retries = Interlocked.Read(ref senders.Retries),
                Settled = settled,
                SettleSeconds = settleSeconds,
                Check = check,
                AckTimes = [.. senders.AckTimes],
                Rejections = messages.Where(m => m.Rejected is not null).Select(m => $"{m.ConversationId} {m.ClientMsgId}: {m.Rejected}").Take(10).ToList(),
            };
            ui.Info($"chaos: sent {result.Sent:N0}, acked {result.Acked:N0} ({result.AckedAsDuplicate:N0} as duplicates of an earlier attempt), unacknowledged {result.Unacknowledged:N0}, " +
                    $"rejected {result.Rejected:N0}; lost {check.Lost:N0}, duplicated {check.Duplicated:N0}; {result.Kills} kills; " +
                    $"inboxes {(settled ? "caught up" : "NOT caught up")} ({check.InboxMissing} incomplete, {check.InboxDuplicated} duplicates, {check.InboxOutOfOrder} out of order) -> {(result.Passed ? "PASS" : "FAIL")}");
            foreach (var rejection in result.Rejections) ui.Info($"chaos: rejected {rejection}");
            return result;
        }
        catch
        {
            foreach (var silo in silos) ui.Info($"--- last output of {silo.Name} ---{Environment.NewLine}{silo.Output}");
            throw;
        }
        finally
        {
            await Task.WhenAll(silos.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private static Dictionary<string, string> Settings(ClusterStore store)
    {
        var settings = store.SiloSettings();
        settings["Seqline:Conversations:FanoutRecoveryPeriod"] = "00:00:05";
        return settings;
    }

    private static TimeSpan Min(params TimeSpan[] values) => values.Min();

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public static void Report(ChaosResult result, ReportWriter report)
    {
        var o = result.Options;
        var c = result.Check;
        report.Heading("Chaos");
        report.Paragraph(
            $"{o.Silos} Seqline.Silo processes on {(o.Store == StorageProvider.Postgres ? "PostgreSQL (a private server, Debian's, default settings)" : "Azure Table storage (Azurite, in memory)")}, each with its edge; {o.Conversations} groups of {o.MembersPerConversation} members, " +
            $"every member a sender over HTTP at {o.Rate:0} sends/s in all, each message retried with its clientMsgId on the next edge after an error or a {o.AttemptTimeout.TotalSeconds:0} s timeout " +
            $"(given up after {o.MessageDeadline.TotalSeconds:0} s). For {o.Duration.TotalSeconds:0} s, every {o.KillInterval.TotalSeconds:0} s (and once the previous victim was back) " +
            "a random silo was killed with SIGKILL and started again on the same ports. Then, after fan-out settled, storage was read back through the product's timeline store.");
        report.Table(["", "value"],
        [
            ["kills", $"{result.Kills} (restart to healthy: {(result.RestartSeconds.Count == 0 ? "-" : $"mean {result.RestartSeconds.Average():0.0} s, max {result.RestartSeconds.Max():0.0} s")})"],
            ["sent (distinct messages)", $"{result.Sent:N0}"],
            ["acked", $"{result.Acked:N0} ({result.AckedAsDuplicate:N0} acked as duplicate of an earlier attempt that had landed)"],
            ["unacknowledged (sender gave up) / rejected (4xx)", $"{result.Unacknowledged:N0} / {result.Rejected:N0}"],
            ["retries", $"{result.Retries:N0}"],
            ["**lost** (acked, not stored)", $"**{c.Lost:N0}**"],
            ["**duplicated** (stored more than once)", $"**{c.Duplicated:N0}**"],
            ["stored at another seq than acked", $"{c.AckSeqMismatches:N0}"],
            ["conversation timelines with seq gaps", $"{c.SeqGaps:N0}"],
            ["stored but never acked (allowed)", $"{c.LandedUnacknowledged:N0}"],
            ["fan-out settled", result.Settled ? $"yes, {result.SettleSeconds:0.0} s after the load" : $"NO, after {result.SettleSeconds:0} s"],
            ["inboxes incomplete / with duplicates / out of order / with seq gaps", $"{c.InboxMissing} / {c.InboxDuplicated} / {c.InboxOutOfOrder} / {c.InboxSeqGaps}"],
            ["stored messages / inbox events", $"{c.StoredMessages:N0} / {c.InboxEvents:N0}"],
            ["verdict", result.Passed ? "PASS: zero lost, zero duplicated, timelines and inboxes whole" : "FAIL"],
        ]);
        var seconds = (int)Math.Ceiling(result.LoadSeconds);
        var perSecond = new double[Math.Max(1, seconds)];
        foreach (var t in result.AckTimes) if ((int)t < perSecond.Length) perSecond[(int)t]++;
        Charts.TimeSeries(report.PathOf("chaos.png"), "chaos: acked sends per second, kills dashed", "acked per second",
            [("acked/s", Enumerable.Range(0, perSecond.Length).Select(i => (double)i).ToArray(), perSecond)], result.KillTimes, "kill -9");
        report.Image("chaos.png", "chaos");
    }
}
