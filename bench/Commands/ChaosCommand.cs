using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Bench.Scenarios.Chaos;
using Seqline.Hosting;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class ChaosSettings : ScenarioSettings
{
    [CommandOption("--duration <SECONDS>")]
    public double? Duration { get; set; }

    [CommandOption("--kill-interval <SECONDS>")]
    public double? KillInterval { get; set; }

    [CommandOption("--max-kills <N>")]
    public int? MaxKills { get; set; }

    [CommandOption("--conversations <N>")]
    public int? Conversations { get; set; }

    [CommandOption("--rate <SENDS_PER_SECOND>")]
    public double? Rate { get; set; }

    [CommandOption("--settle-timeout <SECONDS>")]
    public double? SettleTimeout { get; set; }

    [CommandOption("--store <STORE>")]
    [Description("AzureTables (Azurite, default) or Postgres (a private server from the machine's postgresql).")]
    public StorageProvider? Store { get; set; }

    public ChaosOptions Options()
    {
        var o = Full ? ChaosOptions.Full : ChaosOptions.Smoke;
        return o with
        {
            Duration = TimeSpan.FromSeconds(Duration ?? o.Duration.TotalSeconds),
            KillInterval = TimeSpan.FromSeconds(KillInterval ?? o.KillInterval.TotalSeconds),
            MaxKills = MaxKills ?? o.MaxKills,
            Conversations = Conversations ?? o.Conversations,
            Rate = Rate ?? o.Rate,
            SettleTimeout = TimeSpan.FromSeconds(SettleTimeout ?? o.SettleTimeout.TotalSeconds),
            Store = Store ?? o.Store,
        };
    }
}

[Description("Chaos: three silo processes on Azurite or PostgreSQL, SIGKILL and restart a random one every few seconds under load, then check storage. Exits 1 unless nothing was lost or duplicated.")]
public sealed class ChaosCommand : ScenarioCommand<ChaosSettings, ChaosResult>
{
    protected override string Name => "chaos";

    protected override Task<ChaosResult> RunAsync(ChaosSettings settings, IBenchUi ui, string workDirectory) =>
        ChaosScenario.RunAsync(settings.Options(), ui, workDirectory);

    protected override void Report(ChaosResult result, ReportWriter report) => ChaosScenario.Report(result, report);

    protected override int ExitCode(ChaosResult result) => result.Passed ? 0 : 1;
}
