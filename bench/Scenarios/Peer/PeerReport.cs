using System.Globalization;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;

namespace Seqline.Bench.Scenarios.Peer;

/// <summary>Both servers side by side: one column a target, then each Seqline column over ejabberd's.</summary>
public static class PeerReport
{
    public static (IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) Table(PeerResult result)
    {
        var runs = result.Runs;
        var peer = result.Of(PeerTarget.Ejabberd);
        var seqlines = runs.Where(r => r.Target != PeerTarget.Ejabberd).ToList();
        var headers = new List<string> { "" };
        headers.AddRange(runs.Select(r => r.Target switch
        {
            PeerTarget.SeqlineHub => "Seqline, hub sends",
            PeerTarget.SeqlineHttp => "Seqline, HTTP sends",
            _ => r.Server,
        }));
        if (peer is not null) headers.AddRange(seqlines.Select(r => r.Target == PeerTarget.SeqlineHub ? "hub / ejabberd" : "HTTP / ejabberd"));

        var rows = new List<IReadOnlyList<string>>();
        void Row(string label, Func<PeerRun, double> value, Func<double, string> format, bool ratio = true)
        {
            var row = new List<string> { label };
            row.AddRange(runs.Select(r => format(value(r))));
            if (peer is not null)
            {
                var theirs = value(peer);
                row.AddRange(seqlines.Select(r => ratio && theirs > 0 ? $"{value(r) / theirs:0.00}×" : ""));
            }
            rows.Add(row);
        }
        static string Rate(double v) => Format.Rate(v);
        static string Ms(double v) => Format.Ms(v);
        static string Cpu(double v) => $"{v:0}%";

        Row($"saturation: acked sends/s ({result.Options.Concurrency} in flight)", r => r.Saturation.AckedPerSecond, Rate);
        Row("saturation: send→recipient p50 ms", r => r.Saturation.Delivery().Milliseconds(50), Ms);
        Row("saturation: send→recipient p99 ms", r => r.Saturation.Delivery().Milliseconds(99), Ms);
        Row("half load: offered sends/s", r => r.Half.OfferedRate ?? 0, Rate);
        Row("half load: send→recipient p50 ms", r => r.Half.Delivery().Milliseconds(50), Ms);
        Row("half load: send→recipient p99 ms", r => r.Half.Delivery().Milliseconds(99), Ms);
        Row("half load: send→recipient p99.9 ms", r => r.Half.Delivery().Milliseconds(99.9), Ms);
        Row("half load: send→ack p50 ms", r => r.Half.Ack().Milliseconds(50), Ms);
        Row("half load: send→ack p99 ms", r => r.Half.Ack().Milliseconds(99), Ms);
        var common = result.Options.CommonRate.ToString("0.#", CultureInfo.InvariantCulture);
        Row($"{common}/s for all: send→recipient p50 ms", r => r.Common.Delivery().Milliseconds(50), Ms);
        Row($"{common}/s for all: send→recipient p99 ms", r => r.Common.Delivery().Milliseconds(99), Ms);
        Row($"{common}/s for all: send→recipient p99.9 ms", r => r.Common.Delivery().Milliseconds(99.9), Ms);
        Row($"{common}/s for all: send→ack p99 ms", r => r.Common.Ack().Milliseconds(99), Ms);
        Row($"{common}/s for all: skipped (over {result.Options.MaxOutstanding} in flight)", r => r.Common.Skipped, v => v.ToString("0", CultureInfo.InvariantCulture), ratio: false);
        Row("server CPU at saturation, % of a core", r => r.Saturation.Server?.CpuPercentOfCore ?? 0, Cpu);
        Row("server CPU at half load, % of a core", r => r.Half.Server?.CpuPercentOfCore ?? 0, Cpu);
        Row($"server CPU at {common}/s, % of a core", r => r.Common.Server?.CpuPercentOfCore ?? 0, Cpu);
        Row($"server CPU per 1,000 messages/s at {common}/s, % of a core", r => r.Common.Server is { } s && r.Common.Seconds > 0 ? s.CpuPercentOfCore / (r.Common.Acked / r.Common.Seconds / 1000) : 0, Cpu);
        Row("server peak RSS (sampled, all phases)", r => r.Result.Phases.Max(p => p.Server?.MaxRssBytes ?? 0), v => Format.Bytes(v));
        Row("server RSS high-water mark (VmHWM)", r => r.Result.Phases.Max(p => p.Server?.PeakRssBytes ?? 0), v => Format.Bytes(v));
        Row("generator CPU at saturation, % of a core", r => r.Saturation.Generator?.CpuPercentOfCore ?? 0, Cpu, ratio: false);
        Row("machine busy at saturation, % of all cores", r => r.Saturation.Server?.MachineBusyPercent ?? 0, Cpu, ratio: false);
        rows.Add([
            "delivered / sent, all phases", .. runs.Select(r => $"{r.Result.Phases.Sum(p => p.Delivered):N0} / {r.Result.Phases.Sum(p => p.Sent):N0}"),
            .. peer is null ? [] : seqlines.Select(_ => ""),
        ]);
        rows.Add([
            "failed sends, duplicates", .. runs.Select(r => $"{r.Result.Phases.Sum(p => p.Failed)}, {r.Result.Duplicates}"),
            .. peer is null ? [] : seqlines.Select(_ => ""),
        ]);
        return (headers, rows);
    }

    public static void Write(PeerResult result, ReportWriter report)
    {
        var o = result.Options;
        report.Heading("Peer: Seqline and ejabberd");
        report.Paragraph(
            $"One node each on this machine, 127.0.0.1 only, each fresh for its run: " +
            string.Join("; ", result.Runs.Select(r => $"{r.Server} on {r.Storage}")) + ". " +
            $"{o.Pairs * 2} users online in {o.Pairs} 1:1 pairs, bodies {o.BodyBytes} B, from one Node.js load generator (bench/peer/loadgen.mjs) " +
            "whose only difference between targets is the driver (SignalR hub pushes with sends over the hub or HTTP; XMPP c2s with XEP-0198). " +
            $"Phases: a {o.Warmup.TotalSeconds:0} s warm-up at {o.WarmupRate:0}/s, then {o.Duration.TotalSeconds:0} s each of a closed loop with {o.Concurrency} sends in flight (saturation), " +
            $"an open loop at half of that server's saturation, and an open loop at {o.CommonRate:0.#}/s for every target. " +
            "Latency runs from the moment a send was due (its slot in the open loop's schedule) to the recipient's client library handing the message over; " +
            "acks are the server's answer to the sender: the hub call's or HTTP request's return for Seqline (after the message is committed), " +
            "the XEP-0198 <a/> for ejabberd (after the sender's MAM row is written and the message routed). CPU is over each phase's sending window.");
        var (headers, rows) = Table(result);
        report.Table(headers, rows);
        Charts.Percentiles(report.PathOf("peer-latency.png"), "send → recipient, half load",
            [.. result.Runs.Select(r => (headers[1 + result.Runs.ToList().IndexOf(r)], r.Half.Delivery()))]);
        report.Image("peer-latency.png", "send to recipient latency at half load");
        foreach (var run in result.Runs)
        {
            var errors = run.Result.Phases.SelectMany(p => p.Errors.Select(e => $"{p.Name}: {e.Key} ×{e.Value}")).ToList();
            if (errors.Count > 0) report.Paragraph($"{run.Server} errors: {string.Join("; ", errors)}.");
        }
    }
}
