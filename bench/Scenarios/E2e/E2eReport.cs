using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Limits;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.E2e;

public static class E2eReport
{
    public static void Write(E2eResult result, ReportWriter report)
    {
        var o = result.Options;
        if (result.Limits is { } limits) LimitsScenario.Report(limits, o.Limits, report);

        report.Heading("End to end");
        report.Paragraph(
            $"Node: {(o.Node == NodeMode.Process ? "Seqline.Silo in its own process" : "built in the bench's process")}, SQLite (synchronous=FULL), send rate limit raised out of the way. " +
            $"{result.Devices} devices ({o.Users} users x {o.DevicesPerUser}) connected over SignalR through Seqline.Client (WebSockets); sends over HTTP. " +
            $"{result.Conversations} conversations: every user in two 1:1 chats and two {o.GroupSize}-member groups" +
            (result.BigGroupMembers == 0
                ? ", and no large group. "
                : $", and one group of {result.BigGroupMembers} members " +
                  $"(all {Math.Min(o.Users, o.BigGroupMembers)} bench users in it, the rest never connect), whose fan-out mode is **{result.BigGroupFanout}**" +
                  (result.BigGroupFanout == "write" ? " (read fan-out is not in this build: every message to it is copied into all its inboxes)" : "") + ". ") +
            $"Sends go {Format.Percent(o.DirectShare)} to 1:1 chats, {Format.Percent(o.GroupShare)} to groups, {Format.Percent(o.BigShare)} to the large group; bodies {o.BodyBytes} B. " +
            $"Devices {(o.MarkRead ? "mark what they receive read" : "mark nothing read")} and {(o.Acknowledge ? $"acknowledge pushes (the client library's default: one message for all conversations at most every {SeqlineClientOptions.DefaultAcknowledgeDeliveries.TotalSeconds:0} s, every {SeqlineClientOptions.DefaultAcknowledgeDeliveriesWhenBusy.TotalSeconds:0} s while pushes keep coming)" : "acknowledge no push")}{(o.MarkRead ? " (reads at most once a second per conversation)" : "")}. " +
            $"Latency is from the moment a send was due (the client's send call, or its slot in the fixed-rate schedule) to a device's client library handing the message to the app, " +
            $"for every device of every member; phases last {o.Duration.TotalSeconds:0} s after a {o.Warmup.TotalSeconds:0} s warm-up.");

        report.Table(["", "saturation", "fixed rate"], Rows(result.Saturation, result.Fixed, o.Node == NodeMode.InProcess));

        if (result.Limits is not null)
        {
            report.Heading("Against the limits of the same run", 3);
            report.Table(["ratio", "value"],
            [
                ["e2e store rows/s at saturation / raw store rows/s (batched)", Format.Percent(result.StoreRatio!.Value)],
                ["e2e store rows/s at saturation / raw store rows/s (scattered)", Format.Percent(result.StoreRatioScattered!.Value)],
                ["acked sends/s at saturation / raw grain calls/s", Format.Percent(result.SendRatio!.Value)],
                ["pushes/s at saturation / raw SignalR pushes/s", Format.Percent(result.PushRatio!.Value)],
            ]);
        }

        if (result.AcknowledgementWindows.Count > 0) WriteAcknowledgementWindows(result.AcknowledgementWindows, report);

        Charts.TimeSeries(report.PathOf("e2e-throughput.png"), "e2e throughput per second", "per second",
        [
            ("acked sends, saturation", Xs(result.Saturation), result.Saturation.Series.Select(p => p.AckedPerSecond).ToArray()),
            ("pushes, saturation", Xs(result.Saturation), result.Saturation.Series.Select(p => p.PushesPerSecond).ToArray()),
            ("acked sends, fixed rate", Xs(result.Fixed), result.Fixed.Series.Select(p => p.AckedPerSecond).ToArray()),
            ("pushes, fixed rate", Xs(result.Fixed), result.Fixed.Series.Select(p => p.PushesPerSecond).ToArray()),
        ]);
        report.Image("e2e-throughput.png", "e2e throughput");
        Charts.Percentiles(report.PathOf("e2e-latency.png"), "send -> push latency",
        [
            ("saturation, all", result.Saturation.DeliveryLatency),
            ("fixed rate, all", result.Fixed.DeliveryLatency),
            ("fixed rate, 1:1", result.Fixed.KindLatency[0]),
            ("fixed rate, groups", result.Fixed.KindLatency[1]),
            ("fixed rate, large group", result.Fixed.KindLatency[2]),
        ]);
        report.Image("e2e-latency.png", "e2e latency");
    }

    private static void WriteAcknowledgementWindows(IReadOnlyList<AcknowledgementWindow> windows, ReportWriter report)
    {
        report.Heading("Acknowledgements on and off, within the run", 3);
        report.Paragraph(
            $"{windows.Count} more saturation windows of {windows[0].Phase.Seconds:0} s after the fixed-rate phase, in ABBA order: in the \"off\" ones every device " +
            "pauses acknowledging pushes (`SeqlineClient.AcknowledgingDeliveries = false`): no device notes a new acknowledgement, " +
            "and those an \"on\" window left pacing go out in the first seconds of the next (its acknowledgement batches count them). " +
            "Each window first waits for the node to go quiet. Ratios are the mean of the \"on\" windows over the mean of the \"off\" ones, from one node on one machine " +
            "minutes apart, so the host's drift between separate runs does not enter them.");
        report.Table(["window", "acks", "acked sends/s", "delivered messages/s", "acknowledgement batches/s: hub / riding", "receipts to devices/s: notices / hub messages / riding pushes", "node CPU (% of a core)", "node CPU per delivered message", "clients CPU (% of a core)", "clients CPU per delivered message", "node allocated per acked send", "send→push ms p50 / p99", "machine speed before / after, ms", "sync pulls/s", "GC, node / clients: gen2 collections / paused", "began, UTC"],
            windows.Select((w, i) => (IReadOnlyList<string>)
            [
                $"{i + 1}", w.Acknowledging ? "on" : "off", Format.Rate(w.Phase.AckedPerSecond), Format.Rate(w.Phase.DeliveredPerSecond),
                w.Phase.AcknowledgementsPerSecond is var (byMessage, bySend) ? $"{Format.Rate(byMessage)} / {Format.Rate(bySend)}" : "-",
                w.Phase is { ReceiptsMessagesPerSecond: { } messages, ReceiptsRidingPerSecond: { } riding }
                    ? $"{Format.Rate(w.Phase.ReceiptsNoticesPerSecond)} / {Format.Rate(messages)} / {Format.Rate(riding)}" : Format.Rate(w.Phase.ReceiptsNoticesPerSecond),
                $"{w.Phase.Node.CpuPercentOfCore:0}%", PerDelivered(w.Phase),
                w.Phase.Bench is { } clients ? $"{clients.CpuPercentOfCore:0}%" : "(same process)", Microseconds(w.Phase.ClientsCpuMicrosecondsPerDelivered), PerSend(w.Phase),
                w.Phase.Delivery.Count == 0 ? "-" : $"{Format.Ms(w.Phase.Delivery.P50)} / {Format.Ms(w.Phase.Delivery.P99)}",
                $"{w.Phase.CpuProbe.Before:0} / {w.Phase.CpuProbe.After:0}",
                Format.Rate(w.Phase.PullsPerSecond),
                $"{w.Phase.NodeGc?.ToString() ?? "-"}; {w.Phase.BenchGc?.ToString() ?? "-"}",
                $"{w.Phase.StartedAt:HH:mm:ss}",
            ]));
        if (AcknowledgementComparison.Of(windows) is { } ratio)
            report.Paragraph($"On / off: acked sends/s {ratio.AckedPerSecond:0.00}x, node CPU per delivered message {Times(ratio.CpuPerDelivered)}, clients CPU per delivered message {Times(ratio.ClientsCpuPerDelivered)}, node allocated per acked send {Times(ratio.AllocatedPerSend)}.");
    }

    private static string Times(double? ratio) => ratio is { } r ? $"{r:0.00}x" : "-";

    /// <summary>The node's allocated bytes per acknowledged send in the window, or "-" when /metrics did not say.</summary>
    public static string PerSend(E2ePhaseResult phase) => phase.AllocatedBytesPerAckedSend is { } bytes ? Format.Bytes(bytes) : "-";

    /// <summary>The node's CPU time per message delivered to a device in the window.</summary>
    public static string PerDelivered(E2ePhaseResult phase) => Microseconds(phase.NodeCpuMicrosecondsPerDelivered);

    private static string Microseconds(double? us) => us is { } value ? $"{value:0.0} µs" : "-";

    private static double[] Xs(E2ePhaseResult phase) => phase.Series.Select(p => p.Seconds).ToArray();

    private static IEnumerable<IReadOnlyList<string>> Rows(E2ePhaseResult a, E2ePhaseResult b, bool inProcess)
    {
        var allocatedLabel = inProcess ? "allocated per acked send (node and clients: one process)" : "node allocated per acked send";
        IReadOnlyList<string> Row(string name, Func<E2ePhaseResult, string> value) => [name, value(a), value(b)];
        static string Lat(LatencySummary l) => l.Count == 0 ? "-" : $"{Format.Ms(l.P50)} / {Format.Ms(l.P99)} / {Format.Ms(l.P999)} (n={l.Count:N0})";
        yield return Row("load", p => p.OfferedRate is { } r ? $"{Format.Rate(r)} sends/s offered" : $"{p.Concurrency} sends in flight");
        yield return Row("acked sends/s", p => Format.Rate(p.AckedPerSecond));
        yield return Row("sent / acked / failed / skipped", p => $"{p.Sent:N0} / {p.Acked:N0} / {p.Failed:N0} / {p.Skipped:N0}");
        yield return Row("delivered messages/s (to devices)", p => Format.Rate(p.DeliveredPerSecond));
        yield return Row("pushes/s received (SignalR `events`)", p => Format.Rate(p.PushesPerSecond));
        yield return Row("sync pulls/s (pushes that did not follow)", p => Format.Rate(p.PullsPerSecond));
        yield return Row("store rows/s (conversation + inbox timelines)", p => Format.Rate(p.StoreRowsPerSecond));
        yield return Row("acknowledgement batches/s taken by the node: hub messages / riding on sends", p =>
            p.AcknowledgementsPerSecond is var (byMessage, bySend) ? $"{Format.Rate(byMessage)} / {Format.Rate(bySend)}" : "-");
        yield return Row("send→push ms p50 / p99 / p99.9, all", p => Lat(p.Delivery));
        yield return Row("… 1:1 chats", p => Lat(p.Direct));
        yield return Row("… 10-member groups", p => Lat(p.Group));
        yield return Row("… large group", p => Lat(p.Big));
        yield return Row("send→ack ms p50 / p99 / p99.9", p => Lat(p.Ack));
        static string Node(E2ePhaseResult p, Func<NodeTimings, NodeHistogram> pick) => p.NodeTimings is { } t ? NodeTimings.Milliseconds(pick(t)) : "-";
        static string Nodes(E2ePhaseResult p, Func<NodeTimings, NodeHistogram> first, Func<NodeTimings, NodeHistogram> second) =>
            p.NodeTimings is { } t ? $"{NodeTimings.Milliseconds(first(t))}; {NodeTimings.Milliseconds(second(t))}" : "-";
        yield return Row("node's own view, ms p50 / p99: accepted→pushed (`seqline.push.lag`)", p => Node(p, t => t.PushLag));
        yield return Row("… send arrival→ack (`seqline.send.duration`)", p => Node(p, t => t.Send));
        yield return Row("… conversation append / inbox append durable", p => Nodes(p, t => t.ConversationAppend, t => t.InboxAppend));
        yield return Row("… SQLite group commit", p => Node(p, t => t.Commit));
        yield return Row("… SQLite checkpoint: the checkpointer's pass; the writer's remainder", p => Nodes(p, t => t.CheckpointerPass, t => t.WriterRemainder));
        yield return Row("every push arrived", p => p.Drained ? $"yes, {p.DrainSeconds:0.0} s after the window" : $"no: {p.ExpectedDeliveries - p.Delivered:N0} of {p.ExpectedDeliveries:N0} missing after {p.DrainSeconds:0} s");
        yield return Row("node CPU (% of one core)", p => $"{p.Node.CpuPercentOfCore:0}%");
        yield return Row("bench (clients) CPU (% of one core)", p => p.Bench is { } bench ? $"{bench.CpuPercentOfCore:0}%" : "(same process)");
        yield return Row("machine CPU busy / of it, other processes", p => $"{p.Node.MachineBusyPercent:0}% / {p.ForeignCpuPercentOfMachine:0}%");
        yield return Row("waited for the node to go quiet before the phase: s; node CPU at the end, % of a core", p => $"{p.Settle.Seconds:0.0}; {p.Settle.LastPercentOfCore:0}");
        yield return Row("machine speed: a fixed loop before / after, ms (lower is faster)", p => $"{p.CpuProbe.Before:0} / {p.CpuProbe.After:0}");
        yield return Row(allocatedLabel, PerSend);
        yield return Row("node CPU per delivered message", PerDelivered);
        yield return Row("node RSS, max in window / peak since start", p => $"{Format.Bytes(p.Node.MaxRssBytes)} / {Format.Bytes(p.Node.PeakRssBytes)}");
    }
}
