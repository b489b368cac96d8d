using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Seqline.Client.Internal;

namespace Seqline.Client;

/// <summary>
/// A device's connection to Seqline: calls the HTTP API, keeps the device's sync cursor, and delivers the
/// user's sync events in order through <see cref="MessageReceived"/>, <see cref="ReadMarkerChanged"/>,
/// <see cref="EventReceived"/> and <see cref="ResetReceived"/>.
/// </summary>
/// <remarks>
/// Pull over HTTP is the source of truth; SignalR pushes only save a round trip. Everything that moves the
/// cursor — <see cref="SyncAsync"/>, pushes, catch-ups after a reconnect — runs one at a time.
/// The other calls are independent of sync and may run concurrently.
/// </remarks>
public sealed partial class SeqlineClient : IAsyncDisposable
{
    private readonly SeqlineClientOptions _options;
    private readonly HttpClient _http;
    private readonly SeqlineHttpApi _api;
    private readonly TransientRetry _retry;
    private readonly ILogger _logger;

    // Held by whatever is moving the cursor; pushes and pulls must never interleave.
    private readonly SemaphoreSlim _syncGate = new(1, 1);

    // Pushes and reconnect catch-ups, in arrival order; null means "pull". A queue keeps SignalR's receive
    // loop free while a slow handler or a long catch-up runs.
    private readonly Channel<PushBatch?> _background = Channel.CreateUnbounded<PushBatch?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _disposing = new();

    private HubConnection? _hub;
    private Task? _backgroundLoop;
    private string? _cursor;
    private bool _cursorLoaded;
    private int _pushesApplied;
    private int _pushesIgnored;
    private int _pulls;
    private int _disposed;

    /// <summary>Creates a client. Nothing is sent until the first call or <see cref="ConnectAsync"/>.</summary>
    public SeqlineClient(SeqlineClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.LoggerFactory.CreateLogger<SeqlineClient>();
        _retry = new TransientRetry(options.MaxAttempts, options.RetryBaseDelay, options.RetryMaxDelay, options.TimeProvider);

        var transport = options.HttpHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        _http = new HttpClient(new BearerTokenHandler(options.AccessTokenProvider) { InnerHandler = transport }, disposeHandler: options.HttpHandler is null)
        {
            BaseAddress = BaseAddress,
            Timeout = options.RequestTimeout,
        };
        _api = new SeqlineHttpApi(_http, options.TimeProvider);
    }

    /// <summary>The device's current sync position; null until the first sync, or when it has never synced.</summary>
    public string? Cursor => Volatile.Read(ref _cursor);

    /// <summary>The hub connection's state: pushes arrive only while it is <see cref="HubConnectionState.Connected"/>.</summary>
    public HubConnectionState ConnectionState => _hub?.State ?? HubConnectionState.Disconnected;

    /// <summary>Pushes applied because they followed the device's cursor exactly (counted before their events reach the handlers).</summary>
    public int PushesApplied => Volatile.Read(ref _pushesApplied);

    /// <summary>Pushes ignored because they did not follow the device's cursor (each one triggers a pull unless the device was already past it).</summary>
    public int PushesIgnored => Volatile.Read(ref _pushesIgnored);

    /// <summary>Sync pulls run: explicit, on connect, after a reconnect, and after an ignored push. One pull may fetch several pages.</summary>
    public int Pulls => Volatile.Read(ref _pulls);

    // Relative paths resolve under the base only if it ends with a slash: "https://h/app" + "api" would give "https://h/api".
    private Uri BaseAddress => _options.BaseAddress.AbsoluteUri.EndsWith('/') ? _options.BaseAddress : new Uri(_options.BaseAddress.AbsoluteUri + "/");

    /// <summary>Stops the hub connection and any background sync. Events already being handled are cancelled.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _background.Writer.TryComplete();
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_hub is not null)
        {
            await _hub.DisposeAsync().ConfigureAwait(false);
        }

        if (_backgroundLoop is not null)
        {
            await _backgroundLoop.ConfigureAwait(false);
        }

        _http.Dispose();
        _disposing.Dispose();
    }
}
