using Seqline.Bench.Commands;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Peer;
using Xunit.Abstractions;

namespace Seqline.Bench.Tests;

/// <summary>
/// `bench peer` at tiny sizes: the real Seqline node process and a private ejabberd (Debian's packages,
/// which .ci/test installs), driven by the Node.js generator of bench/peer. Checks that both servers got
/// every message to its recipient once and that the report sets them side by side.
/// </summary>
[Collection(BenchSmokeCollection.Name)]
public sealed class PeerBenchSmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task Peer_runs_Seqline_over_the_hub_and_HTTP_and_ejabberd_and_each_delivers_every_message_once()
    {
        var options = PeerOptions.Smoke with
        {
            Pairs = 3,
            Warmup = TimeSpan.FromSeconds(0.5),
            WarmupRate = 20,
            Duration = TimeSpan.FromSeconds(1),
            Concurrency = 4,
            CommonRate = 10,
        };

        var result = await PeerScenario.RunAsync(options, new SilentUi(output.WriteLine), Path.Combine(_work.Path, "peer"));

        Assert.Equal([PeerTarget.SeqlineHub, PeerTarget.SeqlineHttp, PeerTarget.Ejabberd], result.Runs.Select(r => r.Target));
        foreach (var run in result.Runs)
        {
            Assert.Equal(6, run.Result.Users);
            Assert.Equal(4, run.Result.Phases.Count);
            foreach (var phase in run.Result.Phases)
            {
                Assert.True(phase.Sent > 0, $"{run.Server} {phase.Name}: nothing sent");
                Assert.Equal(0, phase.Failed);
                Assert.True(phase.Drained, $"{run.Server} {phase.Name}: {phase.Delivered} of {phase.Sent} delivered");
                Assert.Equal(phase.Sent, phase.Delivered);
                Assert.Equal(phase.Sent, phase.Acked);
                Assert.Equal(phase.Delivered, phase.Delivery().Count);
                Assert.Equal(phase.Acked, phase.Ack().Count);
                Assert.NotNull(phase.Server);
                // /proc counts CPU time in 10 ms ticks: a light phase of a smoke run (ejabberd taking 10 sends/s
                // for a few seconds) can read 0 ticks, as one CI run did, so only the run as a whole must show some.
                Assert.True(phase.Server.CpuPercentOfCore >= 0, $"{run.Server} {phase.Name}: server CPU {phase.Server.CpuPercentOfCore}");
                Assert.True(phase.Server.MaxRssBytes > 0);
            }
            Assert.True(run.Result.Phases.Sum(p => p.Server!.CpuPercentOfCore) > 0, $"{run.Server}: no server CPU measured in any phase");
            Assert.Equal(0, run.Result.Duplicates);
            Assert.Equal(0, run.Result.Strays);
            Assert.True(run.DeliveredEverything);
            Assert.Equal(run.Saturation.AckedPerSecond / 2, run.Half.OfferedRate!.Value, 3);
            Assert.Equal(10, run.Common.OfferedRate);
        }
        Assert.Matches("^ejabberd [0-9.]+$", result.Of(PeerTarget.Ejabberd)!.Server);

        var report = new ReportWriter(Path.Combine(_work.Path, "report"), "peer", MachineInfo.Current());
        PeerReport.Write(result, report);
        var markdown = File.ReadAllText(report.Save());
        var header = markdown.Split('\n').Single(l => l.StartsWith("|  | ", StringComparison.Ordinal));
        Assert.Matches(@"^\|  \| Seqline, hub sends \| Seqline, HTTP sends \| ejabberd [0-9.]+ \| hub / ejabberd \| HTTP / ejabberd \|$", header.TrimEnd());
        Assert.Contains("| saturation: acked sends/s (4 in flight) |", markdown);
        Assert.True(File.Exists(report.PathOf("peer-latency.png")));
    }

    [Theory]
    [InlineData("seqline-hub,prosody", "unknown target 'prosody'")]
    [InlineData(",", "--targets names no target")]
    public void Peer_refuses_targets_it_does_not_know(string targets, string error)
    {
        var validation = new PeerSettings { Targets = targets }.Validate();

        Assert.False(validation.Successful);
        Assert.Contains(error, validation.Message);
    }

    public void Dispose() => _work.Dispose();
}
