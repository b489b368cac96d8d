using System.Globalization;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>The large-group scenario's section of report.md.</summary>
public static class LargeGroupReport
{
    public static void Write(LargeGroupResult result, ReportWriter report)
    {
        var o = result.Options;
        var m = o.Online;
        var measured = (long)m * o.Messages;
        report.Heading("Large group");
        report.Paragraph(
            $"One group of {o.Members:N0} members (read fan-out) on {result.Target}. {m:N0} members have a device online. The devices are **grain observers** " +
            "registered with the members' inboxes (`IInboxGrain.Subscribe`), as an edge node registers its own: not SignalR connections, so no WebSocket or JSON cost " +
            "is in these figures. The creator sends the messages one at a time (the next once every online device has the last), after one warm-up message; " +
            $"send→push runs from the send call to an observer receiving the push. {result.Counting}, from a quiet store (nothing written for longer than the " +
            "inboxes' checkpoint interval, so the joins' checkpoints are done) to the store quiet again after the phase (so writes the phase caused later are counted). " +
            $"Load average before the run: {result.LoadBefore}.");
        report.Table(["", "value"],
        [
            ["create the group / every inbox knows it", $"{result.CreateSeconds:0.0} s / {result.JoinSeconds:0.0} s"],
            [$"{m:N0} devices connect", $"{result.ConnectSeconds:0.00} s ({Format.Rate(m / Math.Max(result.ConnectSeconds, 1e-9))}/s), Subscribe ms p50 / p99 {Format.Ms(result.Connect.P50)} / {Format.Ms(result.Connect.P99)}"],
            ["**store writes per connect**: all / grain state / timeline rows", PerDevice(result.ConnectWrites, m)],
            [Breakdown(result), ByType(result.ConnectWrites)],
            ["relay followers with everyone online / after the disconnects", $"{result.FollowersOnline:N0} / {result.FollowersAfter:N0}"],
            ["**largest grain-state row**", result.LargestGrainState is { } g ? Row(g) : "none"],
            .. result.LargestRows.Select(r => (IReadOnlyList<string>)[$"largest row of {r.Table}", Row(r)]),
            [$"**send→push ms to all {m:N0} devices**, {o.Messages} messages: p50 / p99 / p99.9 / max", Percentiles(result.Push.Summary())],
            ["warm-up message (not in the above): ack ms, push p50 / p99 / max", $"{Format.Ms(result.Warmup.AckMilliseconds)}; {Format.Ms(result.Warmup.Push.P50)} / {Format.Ms(result.Warmup.Push.P99)} / {Format.Ms(result.Warmup.Push.Max)}"],
            ["deliveries got / expected (measured messages)", $"{result.Push.Count:N0} / {measured:N0}"],
            ["every online device got each message once (warm-up included)", result.EveryDeviceOnce ? "yes" : "**NO**"],
            ["duplicates / strays / pull hints", $"{result.Duplicates:N0} / {result.Strays:N0} / {result.PullHints:N0}"],
            ["store writes per message sent: all / grain state / timeline rows", PerDevice(result.SendWrites, o.Messages + 1)],
            [Breakdown(result), ByType(result.SendWrites)],
            [$"{m:N0} devices disconnect", $"{result.DisconnectSeconds:0.00} s"],
            ["store writes per disconnect: all / grain state / timeline rows", PerDevice(result.DisconnectWrites, m)],
            [Breakdown(result), ByType(result.DisconnectWrites)],
            .. Silos(result),
        ]);
        report.Table(["message", "seq", "ack ms", "devices reached", "push ms: first device", "p50", "p99", "max (last device)"],
            result.Messages.Prepend(result.Warmup).Select(r => (IReadOnlyList<string>)[
                r.Number == 0 ? "warm-up" : r.Number.ToString(CultureInfo.InvariantCulture), r.Seq.ToString(CultureInfo.InvariantCulture),
                Format.Ms(r.AckMilliseconds), $"{r.Reached:N0}", Format.Ms(r.FirstMilliseconds), Format.Ms(r.Push.P50), Format.Ms(r.Push.P99), Format.Ms(r.Push.Max)]));
    }

    // In process, the node's process holds the devices too; a cluster's silos are processes of their own.
    private static IEnumerable<IReadOnlyList<string>> Silos(LargeGroupResult result)
    {
        var uses = result.DuringSends;
        var busy = uses.Count == 0 ? 0 : uses.Max(u => u.MachineBusyPercent);
        if (result.Options.Silos == 0 && uses.Count == 1)
        {
            yield return ["node CPU while sending (% of one core) / machine busy", $"{uses[0].CpuPercentOfCore:0}% / {busy:0}%"];
            yield return ["peak RSS of the process (node and devices)", Format.Bytes(uses[0].PeakRssBytes)];
            yield break;
        }
        yield return ["silos' CPU while sending (% of one core, each) / machine busy", $"{string.Join(", ", uses.Select(u => $"{u.CpuPercentOfCore:0}%"))} / {busy:0}%"];
        yield return ["peak RSS of each silo", string.Join(", ", uses.Select(u => Format.Bytes(u.PeakRssBytes)))];
    }

    private static string Row(LargestRow r) => r.Bytes < 1024 ? $"{r.Bytes} B: {r.Owner}" : $"{Format.Bytes(r.Bytes)} ({r.Bytes:N0} B): {r.Owner}";

    private static string Percentiles(LatencySummary s) => $"{Format.Ms(s.P50)} / {Format.Ms(s.P99)} / {Format.Ms(s.P999)} / {Format.Ms(s.Max)}";

    private static string PerDevice(StoreWrites w, int count) =>
        $"{Ratio(w.Writes, count)} / {Ratio(w.GrainStateWrites, count)} / {Ratio(w.TimelineRows, count)} " +
        $"({w.Writes:N0} / {w.GrainStateWrites:N0} / {w.TimelineRows:N0} over {count:N0})";

    // Small ratios keep their digits: 2 writes over 10,000 disconnects is not 0.
    private static string Ratio(long part, int whole) => (double)part / whole is var r && r is > 0 and < 0.01 ? r.ToString("0.######", CultureInfo.InvariantCulture) : r.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Breakdown(LargeGroupResult result) => result.Options.Silos == 0
        ? "… grain-state writes by grain type; reminders registered (+) or removed (−)"
        : "… rows written by table";

    private static string ByType(StoreWrites w) =>
        (w.Breakdown.Count == 0 ? "none" : string.Join(", ", w.Breakdown.Select(t => $"{t.Key}: {t.Value:N0}")))
        + (w.Reminders == 0 ? "" : $"; reminders {w.Reminders:+#;-#}");
}
