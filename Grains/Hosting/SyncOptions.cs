namespace Seqline.Hosting;

/// <summary>Sync cursors (configuration section <c>Seqline:Sync</c>).</summary>
public sealed class SyncOptions
{
    public const string Section = "Seqline:Sync";

    /// <summary>The development key, used when none is configured.</summary>
    public const string DevelopmentCursorKey = "seqline-development-cursor-key";

    /// <summary>
    /// Secret that signs sync cursors; every node of a cluster needs the same one. Cursors are also
    /// checked against the caller and the inbox, so a forged cursor can at most re-read the caller's
    /// own inbox, but set a long random key in production.
    /// </summary>
    public string CursorKey { get; set; } = DevelopmentCursorKey;
}
