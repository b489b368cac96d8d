using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Seqline.Client;

/// <summary>Settings of a <see cref="SeqlineClient"/>.</summary>
public sealed class SeqlineClientOptions
{
    /// <summary>The server's root, e.g. <c>https://chat.example.com/</c>; API and hub paths are resolved under it.</summary>
    public required Uri BaseAddress { get; set; }

    /// <summary>Returns the bearer token. Called for every HTTP request and hub (re)connection, so it may refresh an expiring token.</summary>
    public required Func<CancellationToken, ValueTask<string>> AccessTokenProvider { get; set; }

    /// <summary>Where the sync cursor survives restarts. Defaults to memory only, i.e. a full reset in every process.</summary>
    public ICheckpointStore Checkpoints { get; set; } = new InMemoryCheckpointStore();

    /// <summary>Events asked for per sync pull, and messages per history page when a reset fills open conversations (the server allows 1–1,000).</summary>
    public int SyncPageSize { get; set; } = 1000;

    /// <summary>The handler HTTP calls go through, e.g. a test server's. Not disposed by the client. Does not affect the hub: see <see cref="ConfigureHub"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Further settings of the hub connection (transports, a test server's handler or WebSocket factory, headers).</summary>
    public Action<HttpConnectionOptions>? ConfigureHub { get; set; }

    /// <summary>How long one HTTP attempt may take before it counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per call, the first included, for calls that are safe to repeat (sends, pulls, reads, read markers).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; it doubles with every further retry, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between retries, unless the server asks for longer with Retry-After.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Waits between hub reconnection attempts. The last one repeats for as long as the client lives: a chat client never gives up.</summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; set; } =
        [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    /// <summary>Receives the client's and SignalR's logs, notably failures of background syncs that nobody awaits.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock for retry waits; replace it in tests to skip them.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// After applying a push with messages, tell the server this device has them (a hub message, not
    /// awaited), so senders see them delivered: one message for all conversations at most this often,
    /// the first at once (the server's receipts move at most every 2 s in a busy conversation anyway).
    /// What waits for the pace rides on the device's next send instead, when there is one first.
    /// Messages of read fan-out (<see cref="SyncEvent.Fanout"/> <c>read</c>) have no receipts and are
    /// never acknowledged. Null: never. Pulls count by themselves.
    /// </summary>
    public TimeSpan? AcknowledgeDeliveries { get; set; } = DefaultAcknowledgeDeliveries;

    /// <summary>The default of <see cref="AcknowledgeDeliveries"/>.</summary>
    public static readonly TimeSpan DefaultAcknowledgeDeliveries = TimeSpan.FromSeconds(2);

    /// <summary>
    /// While pushes keep coming, the pace of <see cref="AcknowledgeDeliveries"/> doubles up to this;
    /// a pace with no push brings it back. A device that gets messages without pause then sends a few
    /// acknowledgements a minute, and a message after a pause is still acknowledged at once. Equal to
    /// <see cref="AcknowledgeDeliveries"/>: a fixed pace.
    /// </summary>
    public TimeSpan AcknowledgeDeliveriesWhenBusy { get; set; } = DefaultAcknowledgeDeliveriesWhenBusy;

    /// <summary>The default of <see cref="AcknowledgeDeliveriesWhenBusy"/>.</summary>
    public static readonly TimeSpan DefaultAcknowledgeDeliveriesWhenBusy = TimeSpan.FromSeconds(8);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseAddress);
        ArgumentNullException.ThrowIfNull(AccessTokenProvider);
        ArgumentNullException.ThrowIfNull(Checkpoints);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(SyncPageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SyncPageSize, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryBaseDelay);
        if (AcknowledgeDeliveries is { } acknowledgeEvery)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(acknowledgeEvery, TimeSpan.Zero, nameof(AcknowledgeDeliveries));
            ArgumentOutOfRangeException.ThrowIfLessThan(AcknowledgeDeliveriesWhenBusy, acknowledgeEvery);
        }
        if (!BaseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The base address must be absolute.", nameof(BaseAddress));
        }

        if (ReconnectDelays is not { Count: > 0 })
        {
            throw new ArgumentException("At least one reconnect delay is needed.", nameof(ReconnectDelays));
        }
    }
}
