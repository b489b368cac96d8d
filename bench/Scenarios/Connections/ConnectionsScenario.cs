using System.Diagnostics;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.Connections;

public sealed record ConnectionsOptions
{
    public NodeMode Node { get; init; } = NodeMode.InProcess;
    public int Connections { get; init; } = 40;

    /// <summary>Agent processes holding the devices; 0 keeps them in the bench's process.</summary>
    public int ClientProcesses { get; init; } = 1;

    public int ConnectConcurrency { get; init; } = 8;

    /// <summary>Users per group; a broadcaster sends one message per group per <see cref="PushInterval"/>.</summary>
    public int GroupSize { get; init; } = 20;

    public TimeSpan PushInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static ConnectionsOptions Smoke { get; } = new();

    public static ConnectionsOptions Full { get; } = new()
    {
        Node = NodeMode.Process,
        Connections = 10_000,
        ClientProcesses = 2,
        ConnectConcurrency = 32,
        GroupSize = 100,
        Hold = TimeSpan.FromSeconds(60),
        Settle = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(300),
    };
}

public sealed record ConnectionsPoint(double Seconds, int Connected, long NodeRssBytes, double DeliveredPerSecond);

public sealed record ConnectionsResult
{
    public required ConnectionsOptions Options { get; init; }
    public required int Attempted { get; init; }
    public required int Established { get; init; }
    public required int Failed { get; init; }
    public required int HeldAtEnd { get; init; }
    public required double ConnectSeconds { get; init; }
    public required long BaselineRssBytes { get; init; }
    public required long ConnectedRssBytes { get; init; }
    public double BytesPerConnection => Established == 0 ? 0 : (double)(ConnectedRssBytes - BaselineRssBytes) / Established;
    public required long SendsAcked { get; init; }
    public required long SendsFailed { get; init; }
    public required long ExpectedDeliveries { get; init; }
    public required long Delivered { get; init; }
    public required double DeliveredPerSecond { get; init; }
    public required LatencySummary Latency { get; init; }
    public required ProcessUse NodeDuringHold { get; init; }
    public required IReadOnlyList<ConnectionsPoint> Series { get; init; }
    public required Latency LatencyDistribution { get; init; }
}

/// <summary>
/// How many SignalR connections one node holds, each a device of its own user receiving a push per interval,
/// and the node's memory per connection.
/// </summary>
public static class ConnectionsScenario
{
    private const string Prefix = "c";
    private const string Broadcaster = "bcast";

    public static async Task<ConnectionsResult> RunAsync(ConnectionsOptions options, IBenchUi ui, string workDirectory)
    {
        var data = Path.Combine(workDirectory, "node");
        await using var node = await ui.PhaseAsync($"connections: start node ({options.Node})", 1, _ => Nodes.StartSqliteAsync(options.Node, data));
        using var http = Devices.SharedHandler();
        await using var broadcaster = Devices.Create(node.BaseAddress, Broadcaster, http);

        var users = Enumerable.Range(0, options.Connections).Select(i => ConnectionsAgent.UserId(Prefix, i)).ToArray();
        var groups = users.Chunk(options.GroupSize).ToList();
        var groupIds = new string[groups.Count];
        await ui.PhaseAsync($"connections: {groups.Count} groups of {options.GroupSize}", groups.Count, async phase =>
        {
            var done = 0;
            await Devices.ForEachAsync(Enumerable.Range(0, groups.Count), 16, async g =>
                groupIds[g] = (await broadcaster.CreateConversationAsync(groups[g], "broadcast")).ConversationId,
                () => phase.Set(Interlocked.Increment(ref done)));
        });

        await Task.Delay(options.Settle);
        var baseline = ProcStats.Sample(node.Pid).RssBytes;
        var clock = Stopwatch.StartNew();
        var series = new List<ConnectionsPoint>();
        var shares = Shares(options);
        var clients = shares.Select(s => options.ClientProcesses == 0
            ? (IConnectionClients)new InProcessClients(node.BaseAddress, Prefix, s.From, s.Count, options.ConnectConcurrency)
            : new AgentProcessClients(node.BaseAddress, Prefix, s.From, s.Count, options.ConnectConcurrency, options.ConnectTimeout + options.Hold + TimeSpan.FromMinutes(10))).ToList();
        try
        {
            AgentStats Total()
            {
                var all = clients.Select(c => c.Stats()).ToList();
                return new AgentStats(all.Sum(s => s.Attempted), all.Sum(s => s.Connected), all.Sum(s => s.Failed), all.Sum(s => s.Messages), all.Sum(s => s.Pushes));
            }
            void Sample(double deliveredPerSecond) => series.Add(new ConnectionsPoint(clock.Elapsed.TotalSeconds, Total().Connected, ProcStats.Sample(node.Pid).RssBytes, deliveredPerSecond));

            var connectSeconds = await ui.PhaseAsync($"connections: connect {options.Connections:N0}", options.Connections, async phase =>
            {
                var ready = Task.WhenAll(clients.Select(c => c.Ready));
                while (!ready.IsCompleted && clock.Elapsed < options.ConnectTimeout)
                {
                    await Task.WhenAny(ready, Task.Delay(1000));
                    Sample(0);
                    var total = Total();
                    phase.Set(total.Attempted);
                    phase.Describe($"{total.Connected:N0} connected, {total.Failed:N0} failed");
                }
                return clock.Elapsed.TotalSeconds;
            });
            await Task.Delay(options.Settle);
            var connected = ProcStats.Sample(node.Pid).RssBytes;
            var established = Total();
            ui.Info($"connections: {established.Connected:N0} of {options.Connections:N0} connected in {connectSeconds:0.0} s ({established.Failed} failed); " +
                    $"node RSS {Format.Bytes(baseline)} -> {Format.Bytes(connected)}, {Format.Bytes((double)(connected - baseline) / Math.Max(1, established.Connected))} per connection");

            // Hold: one message per group per interval, spread evenly over the interval; every member gets each as a push.
            var messages0 = Total().Messages;
            long acked = 0, failed = 0, expected = 0;
            var meter = new ProcessMeter(node.Pid);
            await ui.PhaseAsync($"connections: hold with a push per connection every {options.PushInterval.TotalSeconds:0.#} s", options.Hold.TotalSeconds, async phase =>
            {
                var sends = new List<Task>();
                var start = Clock.Now;
                var slot = options.PushInterval.TotalSeconds * Stopwatch.Frequency / groups.Count;
                var total = (long)(options.Hold / options.PushInterval) * groups.Count;
                var lastSample = (Seconds: 0.0, Messages: messages0);
                for (long issued = 0; issued < total;)
                {
                    var due = start + (long)(issued * slot);
                    var now = Clock.Now;
                    if (due <= now)
                    {
                        var g = (int)(issued % groups.Count);
                        sends.Add(SendAsync(broadcaster, groupIds[g], due, groups[g].Length));
                        issued++;
                        continue;
                    }
                    var seconds = Clock.Microseconds(start, now) / 1e6;
                    if (seconds - lastSample.Seconds >= 1)
                    {
                        var messages = Total().Messages;
                        meter.Poll();
                        Sample((messages - lastSample.Messages) / (seconds - lastSample.Seconds));
                        lastSample = (seconds, messages);
                        phase.Set(seconds);
                    }
                    await Task.Delay(TimeSpan.FromTicks(Math.Max(1, Math.Min(TimeSpan.TicksPerMillisecond * 5, (due - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency))));
                }
                await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(120));
            });

            async Task SendAsync(SeqlineClient sender, string conversation, long due, int members)
            {
                try
                {
                    await sender.SendAsync(conversation, Bodies.Make(1, 'g', due, 100));
                    Interlocked.Increment(ref acked);
                    Interlocked.Add(ref expected, members);
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref failed);
                }
            }

            var nodeUse = meter.Stop();
            // Let the last pushes arrive (bounded), then collect.
            for (var wait = Stopwatch.StartNew(); Total().Messages - messages0 < Interlocked.Read(ref expected) && wait.Elapsed < TimeSpan.FromSeconds(30);)
                await Task.Delay(200);
            // The agents' final reports carry their counters as of now (their periodic lines may be a second old).
            var latency = new Latency();
            var finals = new List<AgentStats>();
            foreach (var client in clients)
            {
                var report = await client.ReportAsync();
                finals.Add(report.Stats);
                foreach (var bucket in report.Buckets) latency.AddBucket(bucket[0], bucket[1]);
            }
            var end = new AgentStats(finals.Sum(s => s.Attempted), finals.Sum(s => s.Connected), finals.Sum(s => s.Failed), finals.Sum(s => s.Messages), finals.Sum(s => s.Pushes));
            var delivered = end.Messages - messages0;
            var result = new ConnectionsResult
            {
                Options = options,
                Attempted = established.Attempted,
                Established = established.Connected,
                Failed = established.Failed,
                HeldAtEnd = end.Connected,
                ConnectSeconds = connectSeconds,
                BaselineRssBytes = baseline,
                ConnectedRssBytes = connected,
                SendsAcked = acked,
                SendsFailed = failed,
                ExpectedDeliveries = expected,
                Delivered = delivered,
                DeliveredPerSecond = delivered / options.Hold.TotalSeconds,
                Latency = latency.Summary(),
                NodeDuringHold = nodeUse,
                Series = series,
                LatencyDistribution = latency,
            };
            ui.Info($"connections: held {result.HeldAtEnd:N0}; {delivered:N0} of {expected:N0} pushed messages delivered; push latency p50 {Format.Ms(result.Latency.P50)} ms, " +
                    $"p99 {Format.Ms(result.Latency.P99)} ms; node CPU {nodeUse.CpuPercentOfCore:0}% of a core");
            return result;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(180));
        }
    }

    private static List<(int From, int Count)> Shares(ConnectionsOptions options)
    {
        var parts = Math.Max(1, options.ClientProcesses);
        var size = (options.Connections + parts - 1) / parts;
        return Enumerable.Range(0, parts).Select(p => (From: p * size, Count: Math.Min(size, options.Connections - p * size))).Where(s => s.Count > 0).ToList();
    }

    public static void Report(ConnectionsResult result, ReportWriter report)
    {
        var o = result.Options;
        report.Heading("Connections");
        report.Paragraph(
            $"{o.Connections:N0} users, one device each (Seqline.Client over WebSockets), held by {(o.ClientProcesses == 0 ? "the bench process" : $"{o.ClientProcesses} agent process(es)")}; " +
            $"the node {(o.Node == NodeMode.Process ? "in its own process" : "in the bench's process")}. Users are in groups of {o.GroupSize} with a broadcaster, who sends one message per group " +
            $"every {o.PushInterval.TotalSeconds:0.#} s for {o.Hold.TotalSeconds:0} s, so each connection gets a push per interval; SignalR's keep-alive pings (15 s) run throughout. " +
            "Memory per connection is the node's resident set after connecting (and settling) minus before, over the connections established; the groups and inboxes existed before.");
        report.Table(["", "value"],
        [
            ["connections established / attempted / failed", $"{result.Established:N0} / {result.Attempted:N0} / {result.Failed:N0}"],
            ["connected at the end of the hold", $"{result.HeldAtEnd:N0}"],
            ["time to connect all", $"{result.ConnectSeconds:0.0} s"],
            ["node RSS before / after connecting", $"{Format.Bytes(result.BaselineRssBytes)} / {Format.Bytes(result.ConnectedRssBytes)}"],
            ["node memory per connection", Format.Bytes(result.BytesPerConnection)],
            ["broadcast sends acked / failed", $"{result.SendsAcked:N0} / {result.SendsFailed:N0}"],
            ["pushed messages delivered / expected", $"{result.Delivered:N0} / {result.ExpectedDeliveries:N0}"],
            ["delivered per second during the hold", Format.Rate(result.DeliveredPerSecond)],
            ["send→push ms p50 / p99 / p99.9 / max", $"{Format.Ms(result.Latency.P50)} / {Format.Ms(result.Latency.P99)} / {Format.Ms(result.Latency.P999)} / {Format.Ms(result.Latency.Max)}"],
            ["node CPU during the hold (% of one core)", $"{result.NodeDuringHold.CpuPercentOfCore:0}%"],
            ["machine CPU busy during the hold", $"{result.NodeDuringHold.MachineBusyPercent:0}%"],
            ["node peak RSS", Format.Bytes(result.NodeDuringHold.PeakRssBytes)],
        ]);
        var xs = result.Series.Select(p => p.Seconds).ToArray();
        Charts.TimeSeries(report.PathOf("connections.png"), "connections held and messages delivered", "count / per second",
        [
            ("connected", xs, result.Series.Select(p => (double)p.Connected).ToArray()),
            ("delivered per second", xs, result.Series.Select(p => p.DeliveredPerSecond).ToArray()),
            ("node RSS (MiB)", xs, result.Series.Select(p => p.NodeRssBytes / 1048576.0).ToArray()),
        ]);
        report.Image("connections.png", "connections");
    }
}
