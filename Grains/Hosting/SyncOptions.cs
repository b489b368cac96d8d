namespace Seqline.Hosting;

/// <summary>Sync cursors (configuration section <c>Seqline:Sync</c>).</summary>
public sealed class SyncOptions
{
    public const string Section = "Seqline:Sync";

    /// <summary>The development key, used in the Development environment when none is configured, and refused elsewhere.</summary>
    public const string DevelopmentCursorKey = "seqline-development-cursor-key";

    /// <summary>
    /// Secret that signs sync cursors; every node of a cluster needs the same one. Required outside
    /// Development. Cursors are also checked against the caller and the inbox, so a forged cursor
    /// can at most re-read the caller's own inbox.
    /// </summary>
    public string? CursorKey { get; set; }

    /// <summary>
    /// The key cursors were signed with before <see cref="CursorKey"/>, still accepted so that a key
    /// can be rotated without resetting every device: new cursors are signed with the current key,
    /// and devices move to it at their next pull. Drop it once devices had the time to pull.
    /// </summary>
    public string? PreviousCursorKey { get; set; }

    /// <summary>
    /// An inbox's conversation index is a checkpoint of its sync timeline, written once this many
    /// events have been appended since the last one. Events past the checkpoint are replayed from
    /// the timeline on activation, so a crash loses nothing: a larger value means fewer writes per
    /// delivered message and a longer replay after a crash. 1 writes the index after every append.
    /// </summary>
    public int CheckpointEvents { get; set; } = 100;

    /// <summary>An active inbox with events past its checkpoint writes one at least this often (and on deactivation).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Raise this after restoring inbox data from a backup: every device's cursor then resets once
    /// and takes a fresh snapshot. A restored inbox hands out again positions that devices had
    /// already seen with other events, which no inbox can tell on its own.
    /// </summary>
    public long Generation { get; set; }
}
