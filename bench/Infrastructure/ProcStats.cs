using System.Diagnostics;
using System.Globalization;

namespace Seqline.Bench.Infrastructure;

/// <summary>CPU time and memory of one process, read from /proc (Linux), at one moment.</summary>
public readonly record struct ProcessSample(DateTime At, TimeSpan CpuTime, long RssBytes, long PeakRssBytes);

/// <summary>All CPUs of the machine, from /proc/stat: busy and total jiffies.</summary>
public readonly record struct MachineSample(long Busy, long Total);

public static class ProcStats
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Samples a process; for a process that is gone, zeros.</summary>
    public static ProcessSample Sample(int pid)
    {
        var now = DateTime.UtcNow;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kilobytes(line);
            }
            return new ProcessSample(now, TimeSpan.FromSeconds(ticks / TicksPerSecond), rss, hwm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return new ProcessSample(now, TimeSpan.Zero, 0, 0);
        }
    }

    public static ProcessSample Self() => Sample(Environment.ProcessId);

    public static MachineSample Machine()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var values = cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var idle = values[3] + (values.Length > 4 ? values[4] : 0); // idle + iowait
            var total = values.Take(8).Sum();
            return new MachineSample(total - idle, total);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            return new MachineSample(0, 0);
        }
    }

    /// <summary>CPU used between two samples, in percent of one core (200% = both cores of a 2-core machine).</summary>
    public static double CpuPercentOfCore(ProcessSample from, ProcessSample to)
    {
        var wall = (to.At - from.At).TotalSeconds;
        return wall <= 0 ? 0 : 100 * (to.CpuTime - from.CpuTime).TotalSeconds / wall;
    }

    /// <summary>Share of the whole machine's CPU that was busy between two samples, in percent.</summary>
    public static double MachineBusyPercent(MachineSample from, MachineSample to)
    {
        var total = to.Total - from.Total;
        return total <= 0 ? 0 : 100.0 * (to.Busy - from.Busy) / total;
    }

    /// <summary>How busy the machine is right now, over <paramref name="window"/>, in percent of all cores.</summary>
    public static async Task<double> MachineBusyNowAsync(TimeSpan window)
    {
        var from = Machine();
        await Task.Delay(window);
        return MachineBusyPercent(from, Machine());
    }

    private static long Kilobytes(string line) =>
        1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>Tracks one process over a phase: CPU between start and end, and the largest RSS seen by <see cref="Poll"/>.</summary>
public sealed class ProcessMeter(int pid)
{
    private ProcessSample _start = ProcStats.Sample(pid);
    private MachineSample _machineStart = ProcStats.Machine();
    private long _maxRss;

    public int Pid => pid;

    public void Restart()
    {
        _start = ProcStats.Sample(pid);
        _machineStart = ProcStats.Machine();
        _maxRss = _start.RssBytes;
    }

    /// <summary>Samples now and keeps the largest RSS; returns the sample.</summary>
    public ProcessSample Poll()
    {
        var sample = ProcStats.Sample(pid);
        if (sample.RssBytes > _maxRss) _maxRss = sample.RssBytes;
        return sample;
    }

    public ProcessUse Stop()
    {
        var end = Poll();
        return new ProcessUse(ProcStats.CpuPercentOfCore(_start, end), ProcStats.MachineBusyPercent(_machineStart, ProcStats.Machine()), _maxRss, end.PeakRssBytes)
        {
            CpuSeconds = (end.CpuTime - _start.CpuTime).TotalSeconds,
        };
    }
}

/// <summary>What a process used over a phase.</summary>
/// <param name="CpuPercentOfCore">CPU time over wall time, in percent of one core.</param>
/// <param name="MachineBusyPercent">How busy all cores of the machine were, whoever used them.</param>
/// <param name="MaxRssBytes">The largest resident set seen while sampling during the phase.</param>
/// <param name="PeakRssBytes">The kernel's high-water mark of the resident set since the process started (VmHWM).</param>
public sealed record ProcessUse(double CpuPercentOfCore, double MachineBusyPercent, long MaxRssBytes, long PeakRssBytes)
{
    /// <summary>CPU time (user + system) the process used over the phase, in seconds.</summary>
    public double CpuSeconds { get; init; }
}

public static class Clock
{
    /// <summary>Monotonic ticks (Stopwatch), the same clock in every process of the machine (CLOCK_MONOTONIC on Linux).</summary>
    public static long Now => Stopwatch.GetTimestamp();

    public static double Microseconds(long fromTicks, long toTicks) => (toTicks - fromTicks) * 1_000_000.0 / Stopwatch.Frequency;
}
