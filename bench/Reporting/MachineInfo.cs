using System.Runtime;
using System.Runtime.InteropServices;

namespace Seqline.Bench.Reporting;

/// <summary>The machine a run was made on, as the report describes it.</summary>
public sealed record MachineInfo(string CpuModel, int Cores, long MemoryBytes, string Os, string Kernel, string Runtime, bool ServerGc, DateTimeOffset At)
{
    public static MachineInfo Current() => new(
        ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        MemTotal(),
        RuntimeInformation.OSDescription,
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "",
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC,
        DateTimeOffset.UtcNow);

    public string Describe() =>
        $"{Cores} cores ({CpuModel}), {Format.Bytes(MemoryBytes)} RAM, {Os} (kernel {Kernel}), {Runtime}, bench GC: {(ServerGc ? "Server" : "Workstation")}, run at {At:yyyy-MM-dd HH:mm} UTC";

    /// <summary>The load averages over 1, 5 and 15 minutes (/proc/loadavg), or empty where there is none.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";

    private static string? ReadFirst(string file, string key)
    {
        if (!File.Exists(file)) return null;
        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim();
    }

    private static long MemTotal()
    {
        var kb = ReadFirst("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return long.TryParse(kb, out var value) ? value * 1024 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}

public static class Format
{
    public static string Bytes(double bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (1L << 10):0.0} KiB",
        _ => $"{bytes:0} B",
    };

    /// <summary>A rate with thousands separators, no rounding up: 12,345/s.</summary>
    public static string Rate(double perSecond) => perSecond >= 100 ? $"{Math.Floor(perSecond):N0}" : $"{perSecond:0.0}";

    public static string Ms(double ms) => ms >= 100 ? $"{ms:0}" : ms >= 10 ? $"{ms:0.0}" : $"{ms:0.00}";

    public static string Percent(double ratio) => $"{100 * ratio:0.0}%";
}
