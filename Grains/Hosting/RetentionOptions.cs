namespace Seqline.Hosting;

/// <summary>
/// How long timelines keep entries (configuration section <c>Seqline:Retention</c>). The server
/// cannot know when every device of a user has synced, so sync timelines keep a fixed time;
/// storage timelines keep everything unless a deployment says otherwise.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Seqline:Retention";

    /// <summary>The name of the clock Seqline's grains read (a keyed <see cref="TimeProvider"/>), so tests can move it.</summary>
    public const string Clock = "seqline-clock";

    /// <summary>How long a user's sync timeline keeps events. A device offline longer gets a reset.</summary>
    public TimeSpan SyncTimeline { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long conversations keep messages; forever when unset.</summary>
    public TimeSpan? StorageTimeline { get; set; }

    /// <summary>Most entries one trim deletes; trimming goes batch by batch between other work.</summary>
    public int TrimBatchRows { get; set; } = 1000;

    /// <summary>How often an active grain looks for expired entries (it also does on activation).</summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromHours(1);
}
