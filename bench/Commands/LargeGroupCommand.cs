using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.LargeGroup;
using Seqline.Hosting;
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

    [CommandOption("--silos <N>")]
    [Description("0 (default): one node in the bench's process on SQLite. 2 or more: that many silo processes on Azure tables in Azurite (for correctness).")]
    public int? Silos { get; set; }

    [CommandOption("--store <STORE>")]
    [Description("What a cluster (--silos) runs on: AzureTables (Azurite, the default) or Postgres (a private server).")]
    public StorageProvider? Store { get; set; }

    [CommandOption("--connect-concurrency <N>")]
    public int? ConnectConcurrency { get; set; }

    [CommandOption("--join-timeout <SECONDS>")]
    public double? JoinTimeout { get; set; }

    [CommandOption("--delivery-timeout <SECONDS>")]
    [Description("Longest wait for one message to reach every online device.")]
    public double? DeliveryTimeout { get; set; }

    public LargeGroupOptions Options()
    {
        // The devices are grain observers inside the node (or of a client of the cluster), so a lone node runs in the bench's process.
        if (Node == NodeMode.Process) throw new ArgumentException("large-group runs its node in the bench's process (--node InProcess): its devices are grain observers inside it; --silos N runs silo processes.");
        if (Silos is < 0 or 1) throw new ArgumentException("--silos is 0 (one node in the bench's process) or 2 or more (a cluster on Azurite).");
        var o = Full ? LargeGroupOptions.Full : LargeGroupOptions.Smoke;
        return o with
        {
            Members = Members ?? o.Members,
            Silos = Silos ?? o.Silos,
            Store = Store ?? o.Store,
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
