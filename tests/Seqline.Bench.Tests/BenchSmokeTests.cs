using Seqline.Bench.Commands;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.CatchUp;
using Seqline.Bench.Scenarios.Chaos;
using Seqline.Bench.Scenarios.Connections;
using Seqline.Bench.Scenarios.E2e;
using Seqline.Bench.Scenarios.LargeGroup;
using Seqline.Bench.Scenarios.Limits;
using Seqline.Hosting;
using Xunit.Abstractions;

namespace Seqline.Bench.Tests;

/// <summary>
/// Every scenario of the bench tool (bench/) at tiny sizes, through the same entry points the commands use,
/// so that the tool cannot rot. These check that each scenario runs and that its result adds up; the
/// figures themselves come from the full runs in docs/benchmarks.md.
/// </summary>
[Collection(BenchSmokeCollection.Name)]
public sealed class BenchSmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _work = new();

    private IBenchUi Ui => new SilentUi(output.WriteLine);

    [Fact]
    public async Task Limits_measure_the_raw_store_grain_calls_and_SignalR_pushes()
    {
        var options = LimitsOptions.Smoke with { Warmup = TimeSpan.FromSeconds(0.2), Duration = TimeSpan.FromSeconds(0.5), HubConnections = 5 };

        var result = await LimitsScenario.RunAsync(options, Ui, Path.Combine(_work.Path, "limits"));

        Assert.True(result.Store.BatchedRowsPerSecond > 0);
        Assert.True(result.Store.ScatteredRowsPerSecond > 0);
        Assert.True(result.Grains.CallsPerSecond > 0);
        Assert.True(result.Hub.PushesPerSecond > 0);
        var report = new ReportWriter(Path.Combine(_work.Path, "report"), "limits", MachineInfo.Current());
        LimitsScenario.Report(result, options, report);
        Assert.True(File.Exists(report.Save()));
        Assert.True(new FileInfo(report.PathOf("limits.png")).Length > 0);
    }

    [Fact]
    public async Task E2e_sends_are_acknowledged_and_pushed_to_every_device_of_every_member()
    {
        var options = E2eOptions.Smoke with
        {
            Users = 10,
            BigGroupMembers = 20,
            Warmup = TimeSpan.FromSeconds(0.5),
            Duration = TimeSpan.FromSeconds(1),
            Concurrency = 4,
            RunLimits = false,
            AcknowledgementPairs = 1,
        };

        var result = await E2eScenario.RunAsync(options, Ui, Path.Combine(_work.Path, "e2e"));

        Assert.Equal(20, result.Devices);
        Assert.Equal(20, result.BigGroupMembers);
        // The within-run comparison: one window with acknowledgements, then one with them paused.
        Assert.Equal([true, false], result.AcknowledgementWindows.Select(w => w.Acknowledging));
        Assert.Equal(["saturation, acks on (1)", "saturation, acks off (2)"], result.AcknowledgementWindows.Select(w => w.Phase.Name));
        var (on, off) = (result.AcknowledgementWindows[0].Phase, result.AcknowledgementWindows[1].Phase);
        var ratio = AcknowledgementComparison.Of(result.AcknowledgementWindows)!;
        Assert.Equal(on.AckedPerSecond / off.AckedPerSecond, ratio.AckedPerSecond, 9);
        Assert.Equal(on.NodeCpuMicrosecondsPerDelivered / off.NodeCpuMicrosecondsPerDelivered, ratio.CpuPerDelivered);
        // The node runs in the bench's process here: the clients' CPU cannot be told from the node's, so none is claimed.
        Assert.Equal(NodeMode.InProcess, options.Node);
        Assert.Null(on.ClientsCpuMicrosecondsPerDelivered);
        Assert.Null(ratio.ClientsCpuPerDelivered);
        foreach (var phase in new[] { result.Saturation, result.Fixed }.Concat(result.AcknowledgementWindows.Select(w => w.Phase)))
        {
            Assert.True(phase.Acked > 0, $"{phase.Name}: nothing acked");
            Assert.Equal(0, phase.Failed);
            Assert.True(phase.Drained, $"{phase.Name}: {phase.Delivered} of {phase.ExpectedDeliveries} deliveries");
            Assert.True(phase.Delivered >= phase.ExpectedDeliveries);
            Assert.Equal(phase.Delivered, phase.Delivery.Count);
            Assert.True(phase.StoreRows > phase.Acked, "every acked send stores a row and fans out to inboxes");
            Assert.True(phase.PushesPerSecond > 0);
            Assert.True(phase.AllocatedBytesPerAckedSend > 0, $"{phase.Name}: allocated bytes per send {phase.AllocatedBytesPerAckedSend}");
            Assert.True(phase.NodeCpuMicrosecondsPerDelivered > 0, $"{phase.Name}: CPU per delivered message {phase.NodeCpuMicrosecondsPerDelivered}");
            Assert.True(phase.CpuProbe.Before > 0 && phase.CpuProbe.After > 0, $"{phase.Name}: machine speed probe {phase.CpuProbe}");
            // The node's GC counters were read at both ends (in-process here, so they include the clients' collections).
            Assert.True(phase.NodeGc is { Gen2Collections: >= 0, PauseMilliseconds: >= 0 }, $"{phase.Name}: node GC {phase.NodeGc}");
            Assert.Null(phase.BenchGc);
            Assert.True(phase.StartedAt > DateTimeOffset.UtcNow.AddHours(-1), $"{phase.Name}: began {phase.StartedAt}");
            // The node's own histograms saw the same window: its sends, their commits and their pushes.
            var node = phase.NodeTimings!;
            Assert.True(node.Send.Count > 0 && node.ConversationAppend.Count > 0 && node.InboxAppend.Count > 0 && node.Commit.Count > 0 && node.PushLag.Count > 0,
                $"{phase.Name}: node histograms {node.Send.Count}, {node.ConversationAppend.Count}, {node.InboxAppend.Count}, {node.Commit.Count}, {node.PushLag.Count}");
        }
        var report = new ReportWriter(Path.Combine(_work.Path, "report"), "e2e", MachineInfo.Current());
        E2eReport.Write(result, report);
        var text = File.ReadAllText(report.Save());
        Assert.Contains("End to end", text);
        Assert.Contains("allocated per acked send", text);
        Assert.Contains("node CPU per delivered message", text);
        Assert.Contains("machine speed: a fixed loop before / after", text);
        Assert.Contains("node's own view", text);
        Assert.Contains("Acknowledgements on and off, within the run", text);
        Assert.Contains("On / off: acked sends/s", text);
        Assert.Contains("gen2 collections / paused", text);
        Assert.True(File.Exists(report.PathOf("e2e-latency.png")));
    }

    [Theory]
    [InlineData(-1, true, "must not be negative")]
    [InlineData(2, false, "needs --acknowledge true")]
    public void E2e_refuses_acknowledgement_windows_it_cannot_run(int pairs, bool acknowledge, string error)
    {
        var validation = new E2eSettings { AcknowledgementPairs = pairs, Acknowledge = acknowledge }.Validate();

        Assert.False(validation.Successful);
        Assert.Contains(error, validation.Message);
        Assert.True(new E2eSettings { AcknowledgementPairs = 2 }.Validate().Successful);
    }

    [Fact]
    public async Task Catch_up_brings_an_offline_device_every_message_in_order()
    {
        var options = CatchUpOptions.Smoke with { Messages = 200, Conversations = 5, PageSizes = [50, 1000] };

        var result = await CatchUpScenario.RunAsync(options, Ui, Path.Combine(_work.Path, "catch-up"));

        Assert.Collection(result.Runs,
            small =>
            {
                Assert.True(small.Complete && small.InOrder);
                Assert.Equal(200, small.Messages);
                Assert.InRange(small.RoundTrips, 4, 5);
            },
            large =>
            {
                Assert.True(large.Complete && large.InOrder);
                Assert.Equal(1, large.RoundTrips);
            });
    }

    [Fact]
    public async Task Connections_are_held_by_an_agent_process_and_each_gets_its_pushes()
    {
        var options = ConnectionsOptions.Smoke with { Connections = 20, GroupSize = 10, Hold = TimeSpan.FromSeconds(2), Settle = TimeSpan.FromSeconds(0.5) };

        var result = await ConnectionsScenario.RunAsync(options, Ui, Path.Combine(_work.Path, "connections"));

        Assert.Equal(20, result.Established);
        Assert.Equal(20, result.HeldAtEnd);
        Assert.Equal(0, result.SendsFailed);
        Assert.True(result.ExpectedDeliveries > 0);
        Assert.Equal(result.ExpectedDeliveries, result.Delivered);
        Assert.Equal(result.Delivered, result.Latency.Count);
    }

    [Fact]
    public async Task Chaos_kills_a_silo_under_load_and_storage_holds_every_acked_message_once()
    {
        var result = await ChaosScenario.RunAsync(ChaosOptions.Smoke, Ui, Path.Combine(_work.Path, "chaos"));

        Assert.Equal(1, result.Kills);
        Assert.True(result.Acked > 0);
        Assert.Equal(0, result.Check.Lost);
        Assert.Equal(0, result.Check.Duplicated);
        Assert.Equal(0, result.Check.SeqGaps);
        Assert.Equal(0, result.Check.AckSeqMismatches);
        Assert.True(result.Settled, "fan-out did not finish");
        Assert.Equal(0, result.Check.InboxMissing + result.Check.InboxDuplicated + result.Check.InboxOutOfOrder + result.Check.InboxSeqGaps);
        Assert.True(result.Passed);
    }

    [Fact]
    public async Task Large_group_pushes_each_message_once_to_every_online_device_and_connects_write_nothing()
    {
        var options = LargeGroupOptions.Smoke with { Members = 300, Online = 50, Messages = 3, CheckpointInterval = TimeSpan.FromSeconds(1) };

        var result = await LargeGroupScenario.RunAsync(options, Ui, Path.Combine(_work.Path, "large-group"));

        Assert.All(result.Messages.Prepend(result.Warmup), m => Assert.Equal(50, m.Reached));
        Assert.Equal(150, result.Push.Count);
        Assert.Equal(0, result.Duplicates);
        Assert.Equal(0, result.Strays);
        Assert.True(result.EveryDeviceOnce);
        Assert.Equal(50, result.FollowersOnline);
        Assert.Equal(0, result.FollowersAfter);
        // Followers live in the relay's memory: connecting and disconnecting write nothing at all.
        Assert.Equal(0, result.ConnectWrites.Writes);
        Assert.Equal(0, result.DisconnectWrites.Writes);
        // The counting sees writes where there are some: each message is stored.
        Assert.True(result.SendWrites.TimelineRows >= 4);
        Assert.NotNull(result.LargestGrainState);
        var report = new ReportWriter(Path.Combine(_work.Path, "report"), "large-group", MachineInfo.Current());
        LargeGroupReport.Write(result, report);
        Assert.Contains("one node in the bench's process, on SQLite", File.ReadAllText(report.Save()));
    }

    // On Azurite; the same on PostgreSQL takes a minute more, as its statistics need 10 s of quiet
    // at each phase (PostgresMeterTests check that counting on its own).
    [Fact]
    public async Task Large_group_on_a_three_silo_cluster_pushes_each_message_once_and_connects_write_no_row()
    {
        const string timelineTable = "conversations", remindersTable = "reminders";
        var options = LargeGroupOptions.Smoke with { Silos = 3, Store = StorageProvider.AzureTables, Members = 210, Online = 30, Messages = 2, CheckpointInterval = TimeSpan.FromSeconds(1) };

        var result = await LargeGroupScenario.RunAsync(options, Ui, Path.Combine(_work.Path, "large-group-cluster"));

        Assert.All(result.Messages.Prepend(result.Warmup), m => Assert.Equal(30, m.Reached));
        Assert.Equal(60, result.Push.Count);
        Assert.True(result.EveryDeviceOnce);
        Assert.Equal(30, result.FollowersOnline);
        Assert.Equal(0, result.FollowersAfter);
        // Nothing but the conversation's recovery reminder, removed at its first tick after the
        // fan-out went idle, which may fall in any window.
        Assert.True(result.ConnectWrites.Writes - result.ConnectWrites.Breakdown.GetValueOrDefault(remindersTable) == 0, string.Join(", ", result.ConnectWrites.Breakdown));
        Assert.True(result.DisconnectWrites.Writes - result.DisconnectWrites.Breakdown.GetValueOrDefault(remindersTable) == 0, string.Join(", ", result.DisconnectWrites.Breakdown));
        // The counting sees the writes there are: each message is a row of the conversation's timeline.
        Assert.True(result.SendWrites.Breakdown.GetValueOrDefault(timelineTable) >= 3, string.Join(", ", result.SendWrites.Breakdown));
        Assert.NotNull(result.LargestGrainState);
        Assert.Equal(3, result.DuringSends.Count);
        Assert.All(result.DuringSends, silo => Assert.True(silo.CpuSeconds > 0));
        var report = new ReportWriter(Path.Combine(_work.Path, "report"), "large-group", MachineInfo.Current());
        LargeGroupReport.Write(result, report);
        Assert.Contains("a cluster of 3 silo processes", File.ReadAllText(report.Save()));
    }

    public void Dispose() => _work.Dispose();
}

/// <summary>
/// The bench smoke tests run one after another: they start nodes, silo processes and Azurite, and
/// measure, so they must not starve one another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchSmokeCollection
{
    public const string Name = "Bench smoke";
}
