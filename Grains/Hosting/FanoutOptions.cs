namespace Seqline.Hosting;

/// <summary>
/// When a conversation stops copying messages into its members' inboxes (configuration section
/// <c>Seqline:Fanout</c>). Two thresholds, so a group hovering at the limit does not flap.
/// </summary>
public sealed class FanoutOptions
{
    public const string Section = "Seqline:Fanout";

    /// <summary>A conversation with more members than this switches to read fan-out.</summary>
    public int ReadFanoutAbove { get; set; } = 200;

    /// <summary>A read-fan-out conversation with this many members or fewer switches back.</summary>
    public int WriteFanoutAtOrBelow { get; set; } = 150;

    /// <summary>The Orleans stream provider read-fan-out conversations publish on.</summary>
    public string StreamProvider { get; set; } = "seqline";

    /// <summary>
    /// How long a stream's pulling agent waits before looking at an empty queue again: the most a
    /// read-fan-out message waits before it starts towards the members' devices. Orleans' default
    /// is 100 ms; polling an in-memory queue costs next to nothing.
    /// </summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The stream namespace of conversations.</summary>
    public const string StreamNamespace = "conversation";
}
