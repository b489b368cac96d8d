namespace Seqline.Bench.Infrastructure;

/// <summary>Where the bench finds its own dll (the repository and the node's dll: <see cref="Seqline.Testing.RepoPaths"/>).</summary>
public static class BenchPaths
{
    /// <summary>Seqline.Bench.dll, for starting the bench's own agents as child processes.</summary>
    public static string BenchDll() => Seqline.Testing.RepoPaths.Dll("bench", "Seqline.Bench.dll");
}
