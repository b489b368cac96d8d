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

    /// <summary>
    /// The Orleans stream provider read-fan-out conversations publish on. Its subscriptions are kept
    /// in the grain storage of the same name if there is one, else in <c>PubSubStore</c>.
    /// </summary>
    public string StreamProvider { get; set; } = "ConversationStreams";

    /// <summary>
    /// What carries the conversation streams between silos: <c>Memory</c> (default) queues held by
    /// the silos themselves, or <c>AzureQueues</c>. Either way a stream is only the fast path of
    /// read fan-out; a lost item costs a device a pull, not a message.
    /// </summary>
    public StreamQueues StreamQueues { get; set; } = StreamQueues.Memory;

    /// <summary>The Azure Storage queues, when <see cref="StreamQueues"/> is <c>AzureQueues</c>.</summary>
    public AzureQueuesOptions AzureQueues { get; set; } = new();

    /// <summary>
    /// How long a stream's pulling agent waits before looking at an empty queue again: the most a
    /// read-fan-out message waits before it starts towards the members' devices. Unset, 10 ms on
    /// memory queues, where a poll costs next to nothing, and Orleans' 100 ms on Azure queues,
    /// where every poll of every queue is a billed request.
    /// </summary>
    public TimeSpan? StreamPollInterval { get; set; }

    /// <summary>The stream namespace of conversations.</summary>
    public const string StreamNamespace = "conversation";
}

public enum StreamQueues
{
    Memory,
    AzureQueues,
}

/// <summary>Azure Storage queues for conversation streams (<c>Seqline:Fanout:AzureQueues</c>).</summary>
public sealed class AzureQueuesOptions
{
    /// <summary>A storage account connection string; unset (and no <see cref="ServiceUri"/>), the one of <c>Seqline:Storage:AzureTables</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The queue service's URI (<c>https://account.queue.core.windows.net</c>), signed in to with DefaultAzureCredential.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>How many queues the streams are spread over; each silo's agents share them out.</summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>Queue names are this, a dash and a number (lower-case letters, digits and dashes).</summary>
    public string QueuePrefix { get; set; } = "seqline-fanout";
}
