using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;

namespace Seqline.Tests.Simulation;

/// <summary>
/// The promises under faults: random schedules of sends (retried, some at once), membership
/// changes across the read-fan-out threshold and back, read marks, recalls, pulls and pushes,
/// deactivations and crashes, played against one node whose storage fails at random (before or
/// after a write lands), each checked by the <see cref="Oracle"/> once the node has settled.
/// CsCheck generates the schedules and shrinks a failing one.
/// <para>
/// A failure prints the schedule and its seed. Rerun that schedule alone with
/// <c>SEQLINE_SIM_SEED=&lt;seed&gt; dotnet test tests/Seqline.Tests --filter "FullyQualifiedName~Simulation.SimulationTests.Memory"</c>
/// (or <c>.Sqlite</c>, whichever failed). <c>SEQLINE_SIM_SEEDS=N</c> runs N schedules per store
/// instead of the CI budget; see docs/simulation.md. The node's interleavings are real ones, so a
/// seed reproduces the schedule and its faults exactly, and the timing only as closely as the
/// machine allows.
/// </para>
/// </summary>
public sealed class SimulationTests(ITestOutputHelper output)
{
    private static int _runs;

    [Fact]
    public Task Memory() => Simulate(SimulationStore.Memory, seeds: 100);

    [Fact]
    public Task Sqlite() => Simulate(SimulationStore.Sqlite, seeds: 50);

    private async Task Simulate(SimulationStore store, int seeds)
    {
        seeds = int.TryParse(Environment.GetEnvironmentVariable("SEQLINE_SIM_SEEDS"), out var asked) ? asked : seeds;
        var seed = Environment.GetEnvironmentVariable("SEQLINE_SIM_SEED");
        await using var node = await new SimulationNode(store).Start();
        if (Environment.GetEnvironmentVariable("SEQLINE_SIM_REPLAY") is { Length: > 0 } replay)
        {
            var schedule = JsonSerializer.Deserialize<Schedule>(await File.ReadAllTextAsync(replay))!;
            var run = new SimulationRun(node, schedule, Interlocked.Increment(ref _runs));
            await run.Play();
            await run.Settle();
            var violations = await new Oracle(node, run).Check();
            Assert.True(violations.Count == 0, $"{schedule}\n  " + string.Join("\n  ", violations));
            return;
        }
        var faults = 0;
        var failing = 0;
        var started = DateTime.UtcNow;
        await Schedule.Gen.SampleAsync(async schedule =>
        {
            var run = new SimulationRun(node, schedule, Interlocked.Increment(ref _runs));
            try
            {
                await run.Play();
                await run.Settle();
                var violations = await new Oracle(node, run).Check();
                Interlocked.Add(ref faults, run.Faults.Total);
                if (violations.Count > 0 && Environment.GetEnvironmentVariable("SEQLINE_SIM_SURVEY") is { Length: > 0 } survey)
                {
                    // Surveying: note the schedule (it replays with SEQLINE_SIM_REPLAY=<file>) and go on.
                    Interlocked.Increment(ref failing);
                    var file = Path.Combine(survey, $"{run.Prefix.TrimEnd('-')}.json");
                    Directory.CreateDirectory(survey);
                    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(schedule));
                    await File.WriteAllTextAsync(Path.ChangeExtension(file, ".txt"), string.Join("\n", violations));
                    output.WriteLine($"{run.Prefix} {file} {schedule}\n  " + string.Join("\n  ", violations.Take(20)));
                }
                else if (violations.Count > 0)
                    throw new PromiseBrokenException($"{violations.Count} violation(s) in {run.Prefix}:\n  " + string.Join("\n  ", violations.Take(20)));
            }
            finally
            {
                FaultPlan.End(run.Prefix);
            }
        }, writeLine: output.WriteLine, seed: string.IsNullOrEmpty(seed) ? null : seed, iter: string.IsNullOrEmpty(seed) ? seeds : 1, threads: 4,
        print: s => s.ToString());
        output.WriteLine($"{store}: {seeds} schedules, {faults} faults injected, {failing} with violations, {(DateTime.UtcNow - started).TotalSeconds:0}s.");
    }
}

/// <summary>The oracle found a promise broken.</summary>
public sealed class PromiseBrokenException(string message) : Exception(message);
