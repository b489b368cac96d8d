namespace Seqline.Hosting;

/// <summary>How conversations commit and fan out (configuration section <c>Seqline:Conversations</c>).</summary>
public sealed class ConversationOptions
{
    public const string Section = "Seqline:Conversations";

    /// <summary>
    /// How many recent messages a conversation remembers (sender, clientMsgId) for, so a retry returns
    /// the original seq. Rebuilt from the storage timeline on activation.
    /// </summary>
    public int DedupeWindow { get; set; } = 5000;

    /// <summary>Most queued sends one append takes.</summary>
    public int MaxCommitBatch { get; set; } = 500;

    /// <summary>Most messages one fan-out delivery carries to an inbox.</summary>
    public int FanoutBatch { get; set; } = 200;

    /// <summary>
    /// Period of the reminder that wakes a conversation whose fan-out was cut short by a crash.
    /// Orleans requires at least its <c>MinimumReminderPeriod</c> (one minute by default).
    /// </summary>
    public TimeSpan FanoutRecoveryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest a conversation waits before trying again to deliver to an inbox that failed (it
    /// backs off from 100 ms, doubling). Other inboxes are not held up meanwhile.
    /// </summary>
    public TimeSpan FanoutRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most inbox calls one conversation has in flight at once, so that a large group's fan-out
    /// queues at its source instead of flooding the silo with calls that time out.
    /// </summary>
    public int FanoutParallelism { get; set; } = 128;

    /// <summary>Most inboxes that fell behind one conversation catches up at once; the rest wait their turn.</summary>
    public int MaxCatchingUp { get; set; } = 16;

    /// <summary>
    /// Most messages a conversation holds in memory waiting for fan-out; more wait in its timeline
    /// and are read back as the backlog drains.
    /// </summary>
    public int OutboxCapacity { get; set; } = 1000;

    /// <summary>How long after sending a sender may recall a message.</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Largest typed content of a message (an image's or a file's JSON reference), in UTF-8 bytes;
    /// stored inline with the message, besides its body. At most 64 KiB.
    /// </summary>
    public int MaxContentBytes { get; set; } = 4096;
    /// <summary>How long after sending a sender may edit a message.</summary>
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromHours(24);
}
