using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.LargeGroup;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class LargeGroupSettings : ScenarioSettings
{
    [CommandOption("--members <N>")]
    [Description("Members of the group, the sender included (more than Seqline:Fanout:ReadFanoutAbove, 200, for read fan-out).")]
    public int? Members { get; set; }

    [CommandOption("--online <N>")]
    [Description("Members with a device online.")]
    public int? Online { get; set; }

    [CommandOption("--messages <N>")]
    [Description("Messages sent one at a time after a warm-up message.")]
    public int? Messages { get; set; }

    [CommandOption("--connect-concurrency <N>")]
    public int? ConnectConcurrency { get; set; }

    [CommandOption("--join-timeout <SECONDS>")]
    public double? JoinTimeout { get; set; }

    [CommandOption("--delivery-timeout <SECONDS>")]
    [Description("Longest wait for one message to reach every online device.")]
    public double? DeliveryTimeout { get; set; }

    public LargeGroupOptions Options()
    {
        // The devices are grain observers inside the node, so the node runs in the bench's process.
        if (Node == NodeMode.Process) throw new ArgumentException("large-group runs its node in the bench's process (--node InProcess): its devices are grain observers inside it.");
        var o = Full ? LargeGroupOptions.Full : LargeGroupOptions.Smoke;
        return o with
        {
            Members = Members ?? o.Members,
            Online = Online ?? o.Online,
            Messages = Messages ?? o.Messages,
            ConnectConcurrency = ConnectConcurrency ?? o.ConnectConcurrency,
            JoinTimeout = JoinTimeout is { } join ? TimeSpan.FromSeconds(join) : o.JoinTimeout,
            DeliveryTimeout = DeliveryTimeout is { } delivery ? TimeSpan.FromSeconds(delivery) : o.DeliveryTimeout,
        };
    }
}

[Description("Large group: store writes per connect, the largest grain-state row, and send→push to every online member of a read-fan-out group.")]
public sealed class LargeGroupCommand : ScenarioCommand<LargeGroupSettings, LargeGroupResult>
{
    protected override string Name => "large-group";

    protected override Task<LargeGroupResult> RunAsync(LargeGroupSettings settings, IBenchUi ui, string workDirectory) =>
        LargeGroupScenario.RunAsync(settings.Options(), ui, workDirectory);

    protected override void Report(LargeGroupResult result, ReportWriter report) => LargeGroupReport.Write(result, report);

    protected override int ExitCode(LargeGroupResult result) => result.Passed ? 0 : 1;
}
