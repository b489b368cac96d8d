namespace Seqline.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file holding timelines, grain state and reminders.</summary>
public sealed class SqliteOptions
{
    /// <summary>Folder of the database file; created when missing.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>File name inside <see cref="DataDirectory"/>.</summary>
    public string FileName { get; set; } = "seqline.db";

    /// <summary>
    /// <c>Full</c> (default) makes an acknowledged write survive power loss; <c>Normal</c> only a
    /// process crash, for roughly six times the single-row throughput.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>How many queued writes one transaction may take (the group-commit size).</summary>
    public int MaxWritesPerCommit { get; set; } = 1000;

    /// <summary>
    /// WAL pages the writer adds between checkpoints, which a thread of their own runs beside the
    /// writer; larger means fewer, longer checkpoints and a larger WAL file.
    /// </summary>
    public int WalAutoCheckpointPages { get; set; } = 10000;

    /// <summary>
    /// Page cache of the writer's connection, in MiB, filled only as pages are used. The writer is
    /// the only connection whose cache outlives its transactions (nobody else changes the file), so
    /// pages it keeps are pages it need not read back from the WAL or the database for the next
    /// commit; SQLite's own default, 2 MiB, made the e2e benchmark's writer read back pages about
    /// 14 times as often as 64 MiB.
    /// </summary>
    public int WriterCacheMiB { get; set; } = 64;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}

public enum SqliteSynchronous
{
    Full,
    Normal,
}
