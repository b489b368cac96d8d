using Spectre.Console;

namespace Seqline.Bench.Infrastructure;

/// <summary>How a scenario shows what it is doing: phases with progress, and lines of information.</summary>
public interface IBenchUi
{
    /// <summary>Runs one phase of a scenario with a progress bar that goes up to <paramref name="max"/>.</summary>
    Task<T> PhaseAsync<T>(string name, double max, Func<IPhase, Task<T>> body);

    /// <summary>A line of plain text (not markup).</summary>
    void Info(string text);
}

public interface IPhase
{
    void Set(double value);
    void Describe(string text);
}

public static class BenchUiExtensions
{
    public static Task PhaseAsync(this IBenchUi ui, string name, double max, Func<IPhase, Task> body) =>
        ui.PhaseAsync(name, max, async phase =>
        {
            await body(phase);
            return true;
        });
}

/// <summary>For tests: no console, lines go to <paramref name="sink"/> if given.</summary>
public sealed class SilentUi(Action<string>? sink = null) : IBenchUi
{
    public Task<T> PhaseAsync<T>(string name, double max, Func<IPhase, Task<T>> body)
    {
        sink?.Invoke($"[phase] {name}");
        return body(NoProgress.Instance);
    }

    public void Info(string text) => sink?.Invoke(text);

    private sealed class NoProgress : IPhase
    {
        public static readonly NoProgress Instance = new();
        public void Set(double value) { }
        public void Describe(string text) { }
    }
}

/// <summary>Spectre.Console progress bars, one live display per phase; lines written during a phase follow it.</summary>
public sealed class ConsoleUi : IBenchUi
{
    private readonly Lock _gate = new();
    private readonly List<string> _held = [];
    private bool _live;

    public async Task<T> PhaseAsync<T>(string name, double max, Func<IPhase, Task<T>> body)
    {
        T result = default!;
        lock (_gate) _live = true;
        try
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(name), maxValue: Math.Max(1, max));
                    result = await body(new SpectrePhase(task, name));
                    task.Value = task.MaxValue;
                    task.StopTask();
                });
        }
        finally
        {
            List<string> held;
            lock (_gate)
            {
                _live = false;
                held = [.. _held];
                _held.Clear();
            }
            foreach (var line in held) AnsiConsole.WriteLine(line);
        }
        return result;
    }

    public void Info(string text)
    {
        lock (_gate)
        {
            if (_live)
            {
                _held.Add(text);
                return;
            }
        }
        AnsiConsole.WriteLine(text);
    }

    private sealed class SpectrePhase(ProgressTask task, string name) : IPhase
    {
        public void Set(double value) => task.Value = Math.Min(value, task.MaxValue);
        public void Describe(string text) => task.Description = Markup.Escape($"{name}: {text}");
    }
}
