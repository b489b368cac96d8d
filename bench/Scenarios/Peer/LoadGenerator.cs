using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Peer;

/// <summary>
/// The Node.js load generator of bench/peer (loadgen.mjs), the same program for every target: it is
/// installed from its lock file with <c>npm ci</c>, given a config, and run once per target while this
/// side reads the server's (and the generator's own) CPU and memory over each of its phases.
/// </summary>
public static class LoadGenerator
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Folder => Path.Combine(RepoPaths.Root(), "bench", "peer");

    /// <summary>Runs <c>npm ci</c> in bench/peer unless its node_modules already matches the lock file.</summary>
    public static async Task EnsureInstalledAsync(IBenchUi ui)
    {
        var installed = Path.Combine(Folder, "node_modules", ".package-lock.json");
        var lockFile = Path.Combine(Folder, "package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(lockFile)) return;
        ui.Info("peer: npm ci in bench/peer (@microsoft/signalr, @xmpp/client)");
        var start = new ProcessStartInfo("npm") { WorkingDirectory = Folder, ArgumentList = { "ci", "--no-audit", "--no-fund" } };
        var (code, output) = await ChildProcess.RunAsync("npm ci", start, TimeSpan.FromMinutes(10));
        if (code != 0) throw new InvalidOperationException($"npm ci in {Folder} failed with exit code {code}:{Environment.NewLine}{output}");
    }

    /// <summary>Runs the generator with <paramref name="config"/> against the server of process <paramref name="serverPid"/>.</summary>
    public static async Task<GeneratorResult> RunAsync(GeneratorConfig config, int serverPid, string workDirectory, IBenchUi ui, string label, TimeSpan within)
    {
        Directory.CreateDirectory(workDirectory);
        var configPath = Path.Combine(workDirectory, $"{config.Target}-{config.Variant}.config.json");
        var resultPath = Path.Combine(workDirectory, $"{config.Target}-{config.Variant}.result.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config, Json));

        var server = new ProcessMeter(serverPid);
        ProcessMeter? generator = null;
        var gate = new Lock();
        var uses = new Dictionary<string, (ProcessUse Server, ProcessUse? Generator)>();
        var phases = config.Phases.Count;
        var done = 0;

        return await ui.PhaseAsync($"peer: {label}", phases, async progress =>
        {
            void OnLine(string line)
            {
                if (!line.StartsWith('{')) return;
                GeneratorEvent? e;
                try { e = JsonSerializer.Deserialize<GeneratorEvent>(line, Json); }
                catch (JsonException) { return; }
                if (e is null) return;
                lock (gate)
                {
                    switch (e.Event)
                    {
                        case "phase-start":
                            server.Restart();
                            generator?.Restart();
                            progress.Describe(e.Name ?? "");
                            break;
                        case "window-end":
                            uses[e.Name!] = (server.Stop(), generator?.Stop());
                            break;
                        case "phase-end":
                            progress.Set(++done);
                            break;
                        case "info":
                            ui.Info($"peer {label}: {e.Text}");
                            break;
                    }
                }
            }

            var start = new ProcessStartInfo("node") { WorkingDirectory = Folder, ArgumentList = { "loadgen.mjs", configPath, resultPath } };
            await using var process = ChildProcess.Start("loadgen", start, onLine: OnLine);
            lock (gate) generator = new ProcessMeter(process.Pid);
            using var stop = new CancellationTokenSource();
            var sampling = Task.Run(async () =>
            {
                // Resident sets are sampled; the kernel's own high-water mark is read at each phase's end as well.
                while (!stop.IsCancellationRequested)
                {
                    lock (gate)
                    {
                        server.Poll();
                        generator!.Poll();
                    }
                    try { await Task.Delay(200, stop.Token); }
                    catch (OperationCanceledException) { }
                }
            });
            try
            {
                await process.WaitForExitAsync(within);
            }
            catch (TimeoutException)
            {
                throw process.Failure($"the load generator ({label}) still ran after {within.TotalSeconds:0} s");
            }
            finally
            {
                await stop.CancelAsync();
                await sampling;
            }
            if (process.ExitCode != 0 || !File.Exists(resultPath)) throw process.Failure($"the load generator ({label}) exited with code {process.ExitCode}");
            var result = JsonSerializer.Deserialize<GeneratorResult>(await File.ReadAllTextAsync(resultPath), Json)
                ?? throw new InvalidOperationException($"{resultPath} is empty");
            foreach (var phase in result.Phases)
            {
                if (uses.TryGetValue(phase.Name, out var use)) (phase.Server, phase.Generator) = use;
            }
            return result;
        });
    }
}

/// <summary>What loadgen.mjs reads (camelCase JSON).</summary>
public sealed record GeneratorConfig
{
    /// <summary><c>seqline</c> or <c>xmpp</c>.</summary>
    public required string Target { get; init; }

    /// <summary><c>hub</c> or <c>http</c> for Seqline, <c>xmpp</c> for ejabberd.</summary>
    public required string Variant { get; init; }

    public required int BodyBytes { get; init; }
    public required double DrainTimeoutSeconds { get; init; }
    public required int MaxOutstanding { get; init; }
    public required IReadOnlyList<GeneratorPair> Pairs { get; init; }
    public required IReadOnlyList<GeneratorPhase> Phases { get; init; }
    public SeqlineTarget? Seqline { get; init; }
    public XmppTarget? Xmpp { get; init; }
}

public sealed record GeneratorPair(string A, string B, string? ConversationId = null);

/// <summary>A phase: a closed loop (<see cref="Concurrency"/>), or an open loop at <see cref="Rate"/> or at a share of the saturation just measured.</summary>
public sealed record GeneratorPhase(string Name, double Seconds, double? Rate = null, int? Concurrency = null, double? RateOfSaturation = null);

public sealed record SeqlineTarget(string BaseUrl, IReadOnlyList<SeqlineUser> Users);

public sealed record SeqlineUser(string Id, string Token);

public sealed record XmppTarget(string Service, string Domain, string Password, IReadOnlyList<string> Users);

internal sealed record GeneratorEvent(string Event, string? Name, string? Text);

/// <summary>What loadgen.mjs writes.</summary>
public sealed record GeneratorResult
{
    public required string Target { get; init; }
    public required string Variant { get; init; }
    public required string Server { get; init; }
    public required int Users { get; init; }
    public required int Pairs { get; init; }
    public required double SetupSeconds { get; init; }

    /// <summary>Messages a recipient got a second time.</summary>
    public required long Duplicates { get; init; }

    /// <summary>Messages a recipient got that the generator never sent.</summary>
    public required long Strays { get; init; }

    public required IReadOnlyList<GeneratorPhaseResult> Phases { get; init; }
}

public sealed record GeneratorPhaseResult
{
    public required string Name { get; init; }
    public double? OfferedRate { get; init; }
    public int? Concurrency { get; init; }
    public required double Seconds { get; init; }
    public required long Sent { get; init; }
    public required long Acked { get; init; }
    public required long Failed { get; init; }
    public required long Skipped { get; init; }
    public required long Delivered { get; init; }
    public required bool Drained { get; init; }

    /// <summary>Sends still waiting for their acknowledgement when the drain ended (0 when drained).</summary>
    public long Unacked { get; init; }
    public required double DrainSeconds { get; init; }

    /// <summary>Due → the recipient's client got it, in µs, one value a delivered message.</summary>
    public required long[] DeliveryUs { get; init; }

    /// <summary>Due → the server acknowledged the send to the sender, in µs.</summary>
    public required long[] AckUs { get; init; }

    public Dictionary<string, long> Errors { get; init; } = [];

    /// <summary>The server's CPU and memory over the phase's window (filled in on this side).</summary>
    [JsonIgnore]
    public ProcessUse? Server { get; set; }

    /// <summary>The generator's own, to see when it, not the server, is the limit.</summary>
    [JsonIgnore]
    public ProcessUse? Generator { get; set; }

    public double AckedPerSecond => Seconds > 0 ? Acked / Seconds : 0;

    public Latency Delivery() => Of(DeliveryUs);

    public Latency Ack() => Of(AckUs);

    private static Latency Of(long[] values)
    {
        var latency = new Latency();
        foreach (var value in values) latency.RecordMicroseconds(value);
        return latency;
    }
}
