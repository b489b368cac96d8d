using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Connections;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class ConnectionsSettings : ScenarioSettings
{
    [CommandOption("--connections <N>")]
    public int? Connections { get; set; }

    [CommandOption("--client-processes <N>")]
    [Description("Agent processes holding the devices (0: in the bench's process). Keep each under ~20k sockets.")]
    public int? ClientProcesses { get; set; }

    [CommandOption("--group-size <N>")]
    public int? GroupSize { get; set; }

    [CommandOption("--hold <SECONDS>")]
    public double? Hold { get; set; }

    [CommandOption("--push-interval <SECONDS>")]
    public double? PushInterval { get; set; }

    [CommandOption("--connect-concurrency <N>")]
    [Description("Connections being opened at once, per client process.")]
    public int? ConnectConcurrency { get; set; }

    public ConnectionsOptions Options()
    {
        var o = Full ? ConnectionsOptions.Full : ConnectionsOptions.Smoke;
        return o with
        {
            Node = Node ?? o.Node,
            Connections = Connections ?? o.Connections,
            ClientProcesses = ClientProcesses ?? o.ClientProcesses,
            GroupSize = GroupSize ?? o.GroupSize,
            Hold = TimeSpan.FromSeconds(Hold ?? o.Hold.TotalSeconds),
            PushInterval = TimeSpan.FromSeconds(PushInterval ?? o.PushInterval.TotalSeconds),
            ConnectConcurrency = ConnectConcurrency ?? o.ConnectConcurrency,
        };
    }
}

[Description("Connections: how many SignalR connections one node holds with a push each per interval, and its memory per connection.")]
public sealed class ConnectionsCommand : ScenarioCommand<ConnectionsSettings, ConnectionsResult>
{
    protected override string Name => "connections";

    protected override Task<ConnectionsResult> RunAsync(ConnectionsSettings settings, IBenchUi ui, string workDirectory) =>
        ConnectionsScenario.RunAsync(settings.Options(), ui, workDirectory);

    protected override void Report(ConnectionsResult result, ReportWriter report) => ConnectionsScenario.Report(result, report);
}
