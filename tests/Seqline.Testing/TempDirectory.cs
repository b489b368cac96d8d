namespace Seqline.Testing;

/// <summary>A fresh folder under the system temp path (<c>&lt;temp&gt;/&lt;prefix&gt;/&lt;guid&gt;</c>), removed on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "seqline-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => DeleteQuietly(Path);

    /// <summary>Removes <paramref name="directory"/> and everything in it, as far as it can.</summary>
    public static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A killed child process may still hold a file for a moment; the temp folder is the OS's to clean then.
        }
    }
}
