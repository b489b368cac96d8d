namespace Seqline.Tests.Fixtures;

/// <summary>The checkout the tests run from: the folder above the test binaries holding Orleans.sln.</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Orleans.sln.");
    }
}
