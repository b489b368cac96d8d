using System.Diagnostics;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Limits;
using Seqline.Hosting;

namespace Seqline.Bench.Scenarios.E2e;

/// <summary>The whole of e2e: limits (for the ratios), setup, saturation, then a fixed rate.</summary>
public sealed record E2eResult
{
    public required E2eOptions Options { get; init; }
    public LimitsResult? Limits { get; init; }
    public required int Devices { get; init; }
    public required int Conversations { get; init; }
    public required string BigGroupFanout { get; init; }
    public required int BigGroupMembers { get; init; }
    public required double SetupSeconds { get; init; }
    public required E2ePhaseResult Saturation { get; init; }
    public required E2ePhaseResult Fixed { get; init; }

    /// <summary>The saturation windows of <see cref="E2eOptions.AcknowledgementPairs"/>, in the order they ran.</summary>
    public IReadOnlyList<AcknowledgementWindow> AcknowledgementWindows { get; init; } = [];

    /// <summary>e2e store rows/s at saturation over raw batched store rows/s (the issue's goal: at least 50%).</summary>
    public double? StoreRatio => Limits is null ? null : Saturation.StoreRowsPerSecond / Limits.Store.BatchedRowsPerSecond;

    /// <summary>The same over the raw scattered single-row appends, the shape fan-out writes in.</summary>
    public double? StoreRatioScattered => Limits is null ? null : Saturation.StoreRowsPerSecond / Limits.Store.ScatteredRowsPerSecond;

    public double? SendRatio => Limits is null ? null : Saturation.AckedPerSecond / Limits.Grains.CallsPerSecond;
    public double? PushRatio => Limits is null ? null : Saturation.PushesPerSecond / Limits.Hub.PushesPerSecond;
}

public static class E2eScenario
{
    public static async Task<E2eResult> RunAsync(E2eOptions options, IBenchUi ui, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        // The raw hub gets as many connections as there will be devices: SignalR's rate depends on it.
        var limitsOptions = options.Limits with { HubConnections = options.Users * options.DevicesPerUser };
        var limits = options.RunLimits ? await LimitsScenario.RunAsync(limitsOptions, ui, Path.Combine(workDirectory, "limits")) : null;

        var data = Path.Combine(workDirectory, "node");
        var setupClock = Stopwatch.StartNew();
        await using var postgres = options.Limits.Store == StorageProvider.Postgres ? await PostgresServer.StartAsync() : null;
        var database = postgres is null ? null : await postgres.CreateDatabaseAsync();
        await using var node = await ui.PhaseAsync($"e2e: start node ({options.Node}, {options.Limits.Store})", 1, _ => database is null
            ? Nodes.StartSqliteAsync(options.Node, data)
            : Nodes.StartPostgresAsync(options.Node, data, database));
        using var http = Devices.SharedHandler();
        // Phases 1–3, then the acknowledgement windows: a message's body names its phase's slot.
        var counters = new PhaseCounters?[4 + 2 * options.AcknowledgementPairs];
        var run = new Run(options, node, database is null ? new StoreRows(data) : StoreRows.Postgres(database), new NodeMetrics(node.BaseAddress, http), counters);
        await using var world = await E2eWorld.CreateAsync(options, node.BaseAddress, http, ui, run.Wire);
        run.World = world;
        var setupSeconds = setupClock.Elapsed.TotalSeconds;
        ui.Info($"e2e: {world.Devices.Count} devices of {world.Users.Length} users in {world.Chats.Count} conversations; " +
                $"large group: {world.Big?.Members ?? 0} members, fan-out '{world.Big?.Fanout ?? "-"}'; set up in {setupSeconds:0.0} s");

        await run.PhaseAsync(ui, 1, "warm-up", options.Warmup, options.WarmupRate, null);
        var saturation = await run.PhaseAsync(ui, 2, "saturation", options.Duration, null, options.Concurrency);
        var rate = options.Rate ?? Math.Max(1, saturation.AckedPerSecond / 2);
        var fixedRate = await run.PhaseAsync(ui, 3, $"fixed rate", options.Duration, rate, null);
        var windows = await run.AcknowledgementWindowsAsync(ui, 4);

        var result = new E2eResult
        {
            Options = options with { Limits = limitsOptions },
            Limits = limits,
            Devices = world.Devices.Count,
            Conversations = world.Chats.Count,
            BigGroupFanout = world.Big?.Fanout ?? "-",
            BigGroupMembers = world.Big?.Members ?? 0,
            SetupSeconds = setupSeconds,
            Saturation = saturation,
            Fixed = fixedRate,
            AcknowledgementWindows = windows,
        };
        foreach (var phase in new[] { saturation, fixedRate }.Concat(windows.Select(w => w.Phase)))
        {
            ui.Info($"e2e {phase.Name}: {Format.Rate(phase.AckedPerSecond)} acked sends/s, {Format.Rate(phase.DeliveredPerSecond)} delivered messages/s, " +
                    $"{Format.Rate(phase.PushesPerSecond)} pushes/s, {Format.Rate(phase.StoreRowsPerSecond)} store rows/s; send->push p50 {Format.Ms(phase.Delivery.P50)} ms, " +
                    $"p99 {Format.Ms(phase.Delivery.P99)} ms, p99.9 {Format.Ms(phase.Delivery.P999)} ms; node CPU {phase.Node.CpuPercentOfCore:0}% of a core, machine speed probe {phase.CpuProbe.Before:0}/{phase.CpuProbe.After:0} ms, peak RSS {Format.Bytes(phase.Node.PeakRssBytes)}; " +
                    $"node allocated {E2eReport.PerSend(phase)} per acked send, node CPU {E2eReport.PerDelivered(phase)} per delivered message");
        }
        return result;
    }

    private sealed class Run(E2eOptions options, INode node, StoreRows rows, NodeMetrics metrics, PhaseCounters?[] counters)
    {
        private int _outstanding;
        private long _receiptsNotices;

        public E2eWorld World { get; set; } = null!;

        /// <summary>Every device times each message it receives against the tick the message's body carries.</summary>
        public void Wire(Device device)
        {
            if (options.MarkRead) device.Client.MessageReceived += new ReadMarker(device, TimeSpan.FromSeconds(1)).Received;
            // Receipts others see, pushed to the senders as the devices' acknowledgements move them.
            device.Client.ReceiptsReceived += _ =>
            {
                Interlocked.Increment(ref _receiptsNotices);
                return Task.CompletedTask;
            };
            device.Client.MessageReceived += e =>
            {
                if (Bodies.TryParse(e.Body, out var index, out var kind, out var ticks) && index > 0 && index < counters.Length && counters[index] is { } phase)
                {
                    var now = Clock.Now;
                    var us = Clock.Microseconds(ticks, now);
                    phase.Delivery.RecordMicroseconds(us);
                    phase.ByKind[Chat.IndexOf(kind)].RecordMicroseconds(us);
                    Interlocked.Increment(ref phase.Delivered);
                }
                return Task.CompletedTask;
            };
        }

        /// <summary>
        /// Saturation windows in ABBA order (on, off, off, on, …), the devices pausing their acknowledgements in
        /// the "off" ones. Each window waits for the node to go quiet first, but acknowledgements an "on" window
        /// left pacing (up to the client's busy pace, 8 s) still go out in the first seconds of the next one:
        /// the report shows them in its acknowledgement batches.
        /// </summary>
        public async Task<IReadOnlyList<AcknowledgementWindow>> AcknowledgementWindowsAsync(IBenchUi ui, int firstIndex)
        {
            var windows = new List<AcknowledgementWindow>();
            for (var i = 0; i < 2 * options.AcknowledgementPairs; i++)
            {
                var acknowledging = i % 4 is 0 or 3;
                foreach (var device in World.Devices) device.Client.AcknowledgingDeliveries = acknowledging;
                var phase = await PhaseAsync(ui, firstIndex + i, $"saturation, acks {(acknowledging ? "on" : "off")} ({i + 1})", options.Duration, null, options.Concurrency);
                windows.Add(new AcknowledgementWindow(acknowledging, phase));
            }
            foreach (var device in World.Devices) device.Client.AcknowledgingDeliveries = true;
            return windows;
        }

        public async Task<E2ePhaseResult> PhaseAsync(IBenchUi ui, int index, string name, TimeSpan duration, double? rate, int? concurrency)
        {
            var phase = counters[index] = new PhaseCounters(index, name);
            var label = rate is { } r ? $"{name}, {Format.Rate(r)} sends/s offered" : $"{name}, {concurrency} sends in flight";
            return await ui.PhaseAsync($"e2e: {label}", duration.TotalSeconds, async progress =>
            {
                var settled = await SettleAsync(progress);
                // How fast the machine is before the load (and after its drain, below), to compare runs at the same speed.
                var probeBefore = CpuProbe.Milliseconds();
                var nodeMeter = new ProcessMeter(node.Pid);
                var benchMeter = node.InProcess ? null : new ProcessMeter(Environment.ProcessId);
                var series = new List<SeriesPoint>();
                using var stop = new CancellationTokenSource();

                var rows0 = rows.Total();
                var pushes0 = Pushes();
                var pulls0 = Pulls();
                var notices0 = Interlocked.Read(ref _receiptsNotices);
                var scrape0 = await metrics.ScrapeAsync();
                nodeMeter.Restart();
                benchMeter?.Restart();
                var startedAt = DateTimeOffset.UtcNow;
                var benchGc0 = GcUse.Now();
                var clock = Stopwatch.StartNew();
                var load = rate is { } offered ? FixedRateAsync(phase, offered, duration) : ClosedLoopAsync(phase, concurrency ?? 1, stop.Token);

                // One sample a second until the window ends.
                var last = (At: 0.0, Acked: 0L, Delivered: 0L, Pushes: pushes0, Cpu: ProcStats.Sample(node.Pid));
                while (clock.Elapsed < duration)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(1000, (duration - clock.Elapsed).TotalMilliseconds))));
                    var sample = nodeMeter.Poll();
                    benchMeter?.Poll();
                    var now = clock.Elapsed.TotalSeconds;
                    var (acked, delivered, pushes) = (Interlocked.Read(ref phase.Acked), Interlocked.Read(ref phase.Delivered), Pushes());
                    var dt = Math.Max(1e-3, now - last.At);
                    series.Add(new SeriesPoint(now, (acked - last.Acked) / dt, (delivered - last.Delivered) / dt, (pushes - last.Pushes) / dt,
                        ProcStats.CpuPercentOfCore(last.Cpu, sample), sample.RssBytes));
                    last = (now, acked, delivered, pushes, sample);
                    progress.Set(now);
                }
                var seconds = clock.Elapsed.TotalSeconds;
                var ackedInWindow = Interlocked.Read(ref phase.Acked);
                var deliveredInWindow = Interlocked.Read(ref phase.Delivered);
                var pushesInWindow = Pushes() - pushes0;
                var pullsInWindow = Pulls() - pulls0;
                var noticesInWindow = Interlocked.Read(ref _receiptsNotices) - notices0;
                var nodeUse = nodeMeter.Stop();
                var benchUse = benchMeter?.Stop();
                var benchGc = GcUse.Now().Since(benchGc0);
                var scrape1 = await metrics.ScrapeAsync();
                var storeRows = rows.Total() - rows0;

                await stop.CancelAsync();
                progress.Describe("waiting for sends in flight");
                await load.WaitAsync(TimeSpan.FromSeconds(180));

                progress.Describe("waiting for every push");
                var drain = Stopwatch.StartNew();
                while (Interlocked.Read(ref phase.Delivered) < Interlocked.Read(ref phase.ExpectedDeliveries) && drain.Elapsed < options.DrainTimeout)
                    await Task.Delay(50);
                var drained = Interlocked.Read(ref phase.Delivered) >= Interlocked.Read(ref phase.ExpectedDeliveries);
                if (!drained)
                    ui.Info($"e2e {name}: {Interlocked.Read(ref phase.ExpectedDeliveries) - Interlocked.Read(ref phase.Delivered)} deliveries still missing after {options.DrainTimeout.TotalSeconds:0} s");
                var probeAfter = CpuProbe.Milliseconds();

                return new E2ePhaseResult
                {
                    Name = name,
                    OfferedRate = rate,
                    Concurrency = concurrency,
                    Seconds = seconds,
                    Sent = Interlocked.Read(ref phase.Sent),
                    Acked = Interlocked.Read(ref phase.Acked),
                    Failed = Interlocked.Read(ref phase.Failed),
                    Skipped = Interlocked.Read(ref phase.Skipped),
                    AckedPerSecond = ackedInWindow / seconds,
                    DeliveredPerSecond = deliveredInWindow / seconds,
                    PushesPerSecond = pushesInWindow / seconds,
                    PullsPerSecond = pullsInWindow / seconds,
                    ReceiptsNoticesPerSecond = noticesInWindow / seconds,
                    ReceiptsMessagesPerSecond = scrape0 is null || scrape1 is null ? null : (ReceiptsMessages(scrape1) - ReceiptsMessages(scrape0)) / seconds,
                    ReceiptsRidingPerSecond = scrape0 is null || scrape1 is null ? null : (ReceiptsRiding(scrape1) - ReceiptsRiding(scrape0)) / seconds,
                    StoreRows = storeRows,
                    StoreRowsPerSecond = storeRows / seconds,
                    Delivery = phase.Delivery.Summary(),
                    Direct = phase.ByKind[0].Summary(),
                    Group = phase.ByKind[1].Summary(),
                    Big = phase.ByKind[2].Summary(),
                    Ack = phase.Ack.Summary(),
                    Node = nodeUse,
                    NodeAllocatedBytes = Allocated(scrape1) - Allocated(scrape0),
                    AcknowledgementsPerSecond = scrape0 is null || scrape1 is null ? null
                        : ((NodeMetrics.Acknowledgements(scrape1, "message") - NodeMetrics.Acknowledgements(scrape0, "message")) / seconds,
                           (NodeMetrics.Acknowledgements(scrape1, "send") - NodeMetrics.Acknowledgements(scrape0, "send")) / seconds),
                    NodeTimings = NodeTimings.Between(scrape0, scrape1),
                    NodeGc = NodeMetrics.Gc(scrape1) is { } gc1 && NodeMetrics.Gc(scrape0) is { } gc0 ? gc1.Since(gc0) : null,
                    BenchGc = node.InProcess ? null : benchGc,
                    StartedAt = startedAt,
                    AckedInWindow = ackedInWindow,
                    DeliveredInWindow = deliveredInWindow,
                    Bench = benchUse,
                    ForeignCpuPercentOfMachine = Math.Max(0, nodeUse.MachineBusyPercent - (nodeUse.CpuPercentOfCore + (benchUse?.CpuPercentOfCore ?? 0)) / Environment.ProcessorCount),
                    ExpectedDeliveries = Interlocked.Read(ref phase.ExpectedDeliveries),
                    Delivered = Interlocked.Read(ref phase.Delivered),
                    DrainSeconds = drain.Elapsed.TotalSeconds,
                    Drained = drained,
                    Series = series,
                    CpuProbe = (probeBefore, probeAfter),
                    Settle = (settled.Waited.TotalSeconds, settled.LastPercentOfCore),
                    DeliveryLatency = phase.Delivery,
                    KindLatency = phase.ByKind,
                };
            });
        }

        /// <summary>
        /// Waits until the node is quiet (under <see cref="QuietPercentOfCore"/> over half a second, at
        /// most <see cref="SettleLimit"/>): what the phase before left behind (acknowledgements and
        /// receipts notices waiting for their pace, timed saves) runs before this phase is measured,
        /// not inside its window.
        /// </summary>
        private async Task<(TimeSpan Waited, double LastPercentOfCore)> SettleAsync(IPhase progress)
        {
            progress.Describe("waiting for the node to go quiet");
            var settle = Stopwatch.StartNew();
            var previous = ProcStats.Sample(node.Pid);
            var last = double.NaN;
            while (settle.Elapsed < SettleLimit)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                var now = ProcStats.Sample(node.Pid);
                last = ProcStats.CpuPercentOfCore(previous, now);
                if (last < QuietPercentOfCore) break;
                previous = now;
            }
            return (settle.Elapsed, last);
        }

        // Idle with 2,000 connections, the node keeps about a fifth of a core busy (keep-alives, timers).
        private const double QuietPercentOfCore = 25;
        private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(30);

        private static long? Allocated(string? scrape) => scrape is null ? null : NodeMetrics.Parse(scrape, NodeMetrics.AllocatedBytesMetric);

        private static double ReceiptsRiding(string scrape) => NodeMetrics.Notices(scrape, Seqline.Api.Push.PushBridge.EventsMethod);

        private static double ReceiptsMessages(string scrape) => NodeMetrics.Notices(scrape, Seqline.Api.Push.PushBridge.ReceiptsMethod) + NodeMetrics.Notices(scrape, Seqline.Api.Push.PushBridge.ReceiptsManyMethod);

        private long Pushes() => World.Devices.Sum(d => (long)d.Client.PushesApplied + d.Client.PushesIgnored);

        private long Pulls() => World.Devices.Sum(d => (long)d.Client.Pulls);

        private Task ClosedLoopAsync(PhaseCounters phase, int concurrency, CancellationToken stop) =>
            Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
            {
                var random = new Random(options.Seed * 7919 + worker);
                while (!stop.IsCancellationRequested)
                {
                    var (device, chat) = Pick(random);
                    await SendAsync(phase, device, chat, Clock.Now);
                }
            })));

        /// <summary>
        /// An open loop: send i is due at start + i/rate and its latency counts from then, not from when it
        /// could go out, so a slow node cannot hide its backlog (no coordinated omission).
        /// </summary>
        private async Task FixedRateAsync(PhaseCounters phase, double rate, TimeSpan duration)
        {
            var random = new Random(options.Seed * 104729 + phase.Index);
            var start = Clock.Now;
            var ticksPerSend = Stopwatch.Frequency / rate;
            var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var sends = new List<Task>();
            for (long issued = 0; ; )
            {
                var now = Clock.Now;
                if (now >= end) break;
                var due = (long)((now - start) / ticksPerSend);
                for (; issued <= due; issued++)
                {
                    if (Volatile.Read(ref _outstanding) >= options.MaxOutstanding)
                    {
                        Interlocked.Increment(ref phase.Skipped);
                        continue;
                    }
                    var (device, chat) = Pick(random);
                    sends.Add(SendAsync(phase, device, chat, start + (long)(issued * ticksPerSend)));
                }
                if (sends.Count > 10_000) sends.RemoveAll(t => t.IsCompleted);
                await Task.Delay(1);
            }
            await Task.WhenAll(sends);
        }

        private async Task SendAsync(PhaseCounters phase, Device device, Chat chat, long dueTicks)
        {
            Interlocked.Increment(ref _outstanding);
            Interlocked.Increment(ref phase.Sent);
            try
            {
                await device.Client.SendAsync(chat.Id, Bodies.Make(phase.Index, chat.Code, dueTicks, options.BodyBytes));
                phase.Ack.RecordSince(dueTicks);
                Interlocked.Add(ref phase.ExpectedDeliveries, (long)chat.ConnectedMembers * options.DevicesPerUser);
                Interlocked.Increment(ref phase.Acked);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                Interlocked.Increment(ref phase.Failed);
            }
            finally
            {
                Interlocked.Decrement(ref _outstanding);
            }
        }

        private (Device Device, Chat Chat) Pick(Random random)
        {
            var device = World.Devices[random.Next(World.Devices.Count)];
            var chats = World.ChatsOf[device.UserId];
            var roll = random.NextDouble() * (options.DirectShare + options.GroupShare + options.BigShare);
            var kind = roll < options.DirectShare ? ChatKind.Direct : roll < options.DirectShare + options.GroupShare ? ChatKind.Group : ChatKind.Big;
            var candidates = chats.Where(c => c.Kind == kind).ToList();
            if (candidates.Count == 0) candidates = chats;
            return (device, candidates[random.Next(candidates.Count)]);
        }
    }
}
