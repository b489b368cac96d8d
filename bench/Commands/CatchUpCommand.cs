using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.CatchUp;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class CatchUpSettings : ScenarioSettings
{
    [CommandOption("--messages <N>")]
    public int? Messages { get; set; }

    [CommandOption("--conversations <N>")]
    public int? Conversations { get; set; }

    [CommandOption("--page-sizes <LIST>")]
    [Description("Sync page sizes to catch up with, e.g. 200,1000.")]
    public string? PageSizes { get; set; }

    public CatchUpOptions Options()
    {
        var o = Full ? CatchUpOptions.Full : CatchUpOptions.Smoke;
        return o with
        {
            Node = Node ?? o.Node,
            Messages = Messages ?? o.Messages,
            Conversations = Conversations ?? o.Conversations,
            PageSizes = PageSizes is null ? o.PageSizes : PageSizes.Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        };
    }
}

[Description("Catch-up: a device offline while messages arrive across conversations; time and round trips until it has them all.")]
public sealed class CatchUpCommand : ScenarioCommand<CatchUpSettings, CatchUpResult>
{
    protected override string Name => "catch-up";

    protected override Task<CatchUpResult> RunAsync(CatchUpSettings settings, IBenchUi ui, string workDirectory) =>
        CatchUpScenario.RunAsync(settings.Options(), ui, workDirectory);

    protected override void Report(CatchUpResult result, ReportWriter report) => CatchUpScenario.Report(result, report);

    protected override int ExitCode(CatchUpResult result) => result.Runs.All(r => r.Complete && r.InOrder) ? 0 : 1;
}
