using System.Text;

namespace Seqline.Client;

/// <summary>Keeps the cursor in a file, replaced atomically on every save.</summary>
public sealed class FileCheckpointStore : ICheckpointStore
{
    private readonly string _path;

    /// <summary>Creates a store backed by <paramref name="path"/>; its directory is created on first save.</summary>
    public FileCheckpointStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <inheritdoc />
    public async ValueTask<string?> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        var cursor = (await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false)).Trim();
        return cursor.Length == 0 ? null : cursor;
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(string cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);

        // Writing in place could leave a torn cursor after a crash, which the server rejects with 400.
        // Write a temporary file, flush it to disk, then rename over the old one: a reader sees either cursor, whole.
        var temporary = _path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(cursor), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }
}
