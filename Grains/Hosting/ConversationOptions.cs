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

    /// <summary>How long after sending a sender may recall a message.</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromHours(24);
}
