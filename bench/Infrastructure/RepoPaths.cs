namespace Seqline.Bench.Infrastructure;

/// <summary>Where the bench finds the repository, the node's dll and its own dll.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Orleans.sln and package.json, searched upward from the bench's binaries, then from the working directory.</summary>
    public static string Root()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")) && File.Exists(Path.Combine(dir.FullName, "package.json")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()} holds Orleans.sln and package.json.");
    }

    /// <summary>Seqline.Silo.dll: beside the bench (the bench references Silo), else Silo's own build output.</summary>
    public static string SiloDll() => Beside("Seqline.Silo.dll") ?? Built("Silo", "Seqline.Silo.dll");

    /// <summary>Seqline.Bench.dll, for starting the bench's own agents as child processes.</summary>
    public static string BenchDll() => Beside("Seqline.Bench.dll") ?? Built("bench", "Seqline.Bench.dll");

    private static string? Beside(string dll)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        return File.Exists(path) && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")) ? path : null;
    }

    private static string Built(string project, string dll)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        var path = Path.Combine(Root(), project, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{dll} is neither beside {AppContext.BaseDirectory} nor at {path}; build Orleans.sln first.");
    }
}
