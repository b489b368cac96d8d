using System.ComponentModel;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

/// <summary>Options every scenario takes.</summary>
public class ScenarioSettings : CommandSettings
{
    [CommandOption("--full")]
    [Description("Use the reference sizes (docs/benchmarks.md) instead of the small smoke sizes.")]
    public bool Full { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Folder for report.md and the PNG charts (default: bench-results/<scenario>).")]
    public string? Out { get; set; }

    [CommandOption("--node <MODE>")]
    [Description("Where the node under test runs: Process (Seqline.Silo.dll, default with --full) or InProcess.")]
    public NodeMode? Node { get; set; }

    [CommandOption("--work <DIR>")]
    [Description("Folder for the node's data (default: a fresh folder under the system temp path, removed afterwards).")]
    public string? Work { get; set; }

    [CommandOption("--keep")]
    [Description("Keep the work folder (databases) afterwards.")]
    public bool Keep { get; set; }
}

/// <summary>Runs a scenario with progress bars, writes its report, and cleans up its work folder.</summary>
public abstract class ScenarioCommand<TSettings, TResult> : AsyncCommand<TSettings> where TSettings : ScenarioSettings
{
    protected abstract string Name { get; }

    protected abstract Task<TResult> RunAsync(TSettings settings, IBenchUi ui, string workDirectory);

    protected abstract void Report(TResult result, ReportWriter report);

    protected virtual int ExitCode(TResult result) => 0;

    public override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var work = settings.Work ?? Path.Combine(Path.GetTempPath(), "seqline-bench-work", $"{Name}-{Guid.NewGuid():N}");
        var ui = new ConsoleUi();
        var machine = MachineInfo.Current();
        ui.Info($"seqline-bench {Name}: {machine.Describe()}");
        var busy = await ProcStats.MachineBusyNowAsync(TimeSpan.FromSeconds(1));
        if (busy > 15) ui.Info($"WARNING: the machine is already {busy:0}% busy before the run: other processes will take CPU from the measurement.");
        try
        {
            var result = await RunAsync(settings, ui, work);
            var report = new ReportWriter(settings.Out ?? Path.Combine("bench-results", Name), $"Seqline benchmark: {Name}", machine);
            Report(result, report);
            AnsiConsole.MarkupLine($"[green]report:[/] {Markup.Escape(report.Save())}");
            return ExitCode(result);
        }
        finally
        {
            if (!settings.Keep && settings.Work is null)
            {
                try { Directory.Delete(work, recursive: true); }
                catch (IOException) { /* a killed process may still hold a file for a moment */ }
                catch (UnauthorizedAccessException) { }
            }
        }
    }
}
