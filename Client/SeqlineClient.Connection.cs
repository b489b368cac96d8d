using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seqline.Client.Internal;

namespace Seqline.Client;

public sealed partial class SeqlineClient
{
    /// <summary>
    /// Opens the SignalR connection for pushes, then catches up with <see cref="SyncAsync"/>.
    /// After a dropped connection comes back, the client catches up again on its own.
    /// </summary>
    /// <remarks>
    /// Dropped connections are retried forever with <see cref="SeqlineClientOptions.ReconnectDelays"/>. Only when
    /// connecting fails or the server closes the connection for good (<see cref="ConnectionState"/> is then
    /// Disconnected) must the caller call this again. The other methods work without connecting; they just
    /// receive no pushes.
    /// </remarks>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_hub is { State: not HubConnectionState.Disconnected })
        {
            throw new InvalidOperationException("The client is already connected.");
        }

        if (_hub is not null)
        {
            await _hub.DisposeAsync().ConfigureAwait(false);
            _hub = null;
        }

        _backgroundLoop ??= RunBackgroundAsync(_disposing.Token);
        var hub = BuildHub();
        try
        {
            await hub.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await hub.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _hub = hub;
        await SyncAsync(cancellationToken).ConfigureAwait(false);
    }

    private HubConnection BuildHub()
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "hubs/sync"), http =>
            {
                // Asked on every (re)connect rather than once: the connection outlives any one token.
                http.AccessTokenProvider = async () => await _options.AccessTokenProvider(_disposing.Token).ConfigureAwait(false);
                _options.ConfigureHub?.Invoke(http);
            })
            .WithAutomaticReconnect(new ReconnectPolicy(_options.ReconnectDelays))
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolver =
                JsonTypeInfoResolver.Combine(SeqlineJsonContext.Default, new DefaultJsonTypeInfoResolver()));
        builder.Services.AddSingleton(_options.LoggerFactory);

        var hub = builder.Build();
        hub.On<PushBatch>("events", push => { _background.Writer.TryWrite(push); });
        hub.On<TypingNotice>("typing", OnTypingAsync);
        hub.On<ReceiptsNotice>("receipts", OnReceiptsAsync);
        hub.On<ReceiptsNotice[]>("receiptsMany", OnReceiptsManyAsync);

        // Pushes sent while the connection was down are lost for good; only a pull recovers them.
        hub.Reconnected += _ =>
        {
            _background.Writer.TryWrite(null);
            return Task.CompletedTask;
        };
        hub.Reconnecting += exception =>
        {
            _logger.LogInformation(exception, "Seqline hub connection lost; reconnecting.");
            return Task.CompletedTask;
        };

        // Raised only when reconnecting is not allowed, e.g. the server closed the connection on purpose.
        hub.Closed += exception =>
        {
            _logger.LogWarning(exception, "Seqline hub connection closed; no pushes until ConnectAsync is called again.");
            return Task.CompletedTask;
        };
        return hub;
    }

    // Nobody awaits pushes or reconnect catch-ups, so failures are logged and the loop goes on: the next push
    // will not match the cursor that failed to move, and that mismatch triggers the pull which repairs it.
    private async Task RunBackgroundAsync(CancellationToken stopping)
    {
        await foreach (var push in _background.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await _syncGate.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    if (push is null)
                    {
                        await PullAsync(stopping).ConfigureAwait(false);
                    }
                    else
                    {
                        await ApplyPushAsync(push, stopping).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _syncGate.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                _logger.LogWarning(exception, "Seqline background sync failed; the next push or reconnect will pull again.");
            }
        }
    }
}
