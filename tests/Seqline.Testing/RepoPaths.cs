namespace Seqline.Testing;

/// <summary>Where the repository and the built programs that the tests and the bench start are.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> FoundRoot = new(FindRoot);

    /// <summary>
    /// The folder holding Orleans.sln and package.json, searched upward from the running binaries, then
    /// from the working directory.
    /// </summary>
    public static string Root() => FoundRoot.Value;

    /// <summary>Seqline.Silo.dll: beside the running binaries (a project referencing Silo), else Silo's own build output.</summary>
    public static string SiloDll() => Dll("Silo", "Seqline.Silo.dll");

    /// <summary>
    /// <paramref name="dll"/> with its runtimeconfig beside the running binaries, else in
    /// <c>&lt;project&gt;/bin/&lt;configuration&gt;/net10.0</c> of this checkout.
    /// </summary>
    public static string Dll(string project, string dll)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, dll);
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug"; // bin/<Configuration>/net10.0/
        var built = Path.Combine(Root(), project, "bin", configuration, "net10.0", dll);
        return File.Exists(built) ? built : throw new InvalidOperationException($"{dll} is neither beside {AppContext.BaseDirectory} nor at {built}; build Orleans.sln first.");
    }

    private static string FindRoot()
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
}
