namespace Seqline.OfflinePush;

/// <summary>
/// The offline push hook (configuration section <c>Seqline:OfflinePush</c>): when a message reaches a
/// user with no device connected anywhere in the cluster, the node POSTs a signed JSON notice to
/// <see cref="Url"/>, typically an APNs/FCM gateway of the deployment's own. Off while the URL is empty.
/// </summary>
public sealed class OfflinePushOptions
{
    public const string Section = "Seqline:OfflinePush";

    /// <summary>The key of the clock batch windows and retry backoff wait on (tests replace it).</summary>
    public const string Clock = "seqline-offline-push-clock";

    /// <summary>The webhook notices are POSTed to (http or https); empty turns the hook off.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// The secret each request is signed with (HMAC-SHA256, its UTF-8 bytes the key, at least
    /// <see cref="MinKeyBytes"/>); required when <see cref="Url"/> is set, and there is no default.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>HMAC-SHA256 wants a key of at least 256 bits.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Whether notices carry the start of the message's text; off, they carry no body at all.</summary>
    public bool Previews { get; set; } = true;

    /// <summary>At most this many characters of the message's text go into a preview.</summary>
    public int PreviewLength { get; set; } = 100;

    /// <summary>
    /// Notices for one user are gathered this long after the first one, then sent as one request,
    /// so a burst of messages is one push rather than many.
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a batch is tried, the first time included, before it is given up (and logged).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; it doubles with each further one.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request may take before it counts as failed (and is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most notices waiting for their batch on one node; past it new notices are dropped (and
    /// logged), so a gateway that is down cannot fill the node's memory.
    /// </summary>
    public int MaxPending { get; set; } = 100_000;
}
