using Microsoft.Extensions.Logging;
namespace Seqline.Client;

public sealed partial class SeqlineClient
{
    /// <summary>
    /// Pulls every event after the device's cursor, page by page, delivers them to the handlers and saves the
    /// cursor after each page. Returns when the device is up to date.
    /// </summary>
    /// <remarks>Waits for any push or pull in progress. Transient failures are retried like <see cref="SendAsync(string, string, string?, IEnumerable{string}?, CancellationToken)"/>.</remarks>
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        await _syncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PullAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    // Callers hold _syncGate.
    private async Task PullAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pulls);
        var cursor = await LoadCursorAsync(cancellationToken).ConfigureAwait(false);
        SyncPage page;
        do
        {
            page = await PullPageAsync(cursor, cancellationToken).ConfigureAwait(false);
            if (page.Reset)
            {
                await RaiseAsync(ResetReceived, page).ConfigureAwait(false);
                await CatchUpOpenConversationsAsync(page.Conversations, cancellationToken).ConfigureAwait(false);
            }

            await DeliverAsync(page.Events).ConfigureAwait(false);
            await MoveCursorAsync(page.Cursor, cancellationToken).ConfigureAwait(false);
            cursor = page.Cursor;
        }
        while (page.HasMore);
    }

    // A cursor the server refuses (a damaged checkpoint, another user's, a cursor key changed on the
    // server) would be refused forever: start over from a reset instead, as a device without one does.
    private async Task<SyncPage> PullPageAsync(string? cursor, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(ct => _api.SyncAsync(cursor, _options.SyncPageSize, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (SeqlineApiException refused) when (cursor is not null && refused.Code is ErrorCodes.Invalid or ErrorCodes.Forbidden)
        {
            _logger.LogWarning(refused, "Seqline refused this device's sync cursor ({Code}); starting over from a reset.", refused.Code);
            return await _retry.ExecuteAsync(ct => _api.SyncAsync(null, _options.SyncPageSize, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    // Callers hold _syncGate.
    private async Task ApplyPushAsync(PushBatch push, CancellationToken cancellationToken)
    {
        // Receipts riding on the push hold whatever the cursor says: a push this device cannot apply still brings them.
        if (push.Receipts is { Count: > 0 } receipts) await OnReceiptsManyAsync(receipts).ConfigureAwait(false);
        var cursor = await LoadCursorAsync(cancellationToken).ConfigureAwait(false);
        if (cursor is not null && push.PrevCursor == cursor)
        {
            // Counted before its events go out, as a pull is: whoever sees them sees the push counted.
            Interlocked.Increment(ref _pushesApplied);
            await DeliverAsync(push.Events).ConfigureAwait(false);
            await MoveCursorAsync(push.Cursor, cancellationToken).ConfigureAwait(false);
            await AcknowledgePushAsync(push.Events).ConfigureAwait(false);
            return;
        }

        // The push does not follow this device's position: events were missed (a gap) or already pulled.
        // Only pulling from our own cursor is safe; if a pull already brought us exactly to the push's end, there is nothing to fetch.
        Interlocked.Increment(ref _pushesIgnored);
        if (cursor is null || push.Cursor != cursor)
        {
            await PullAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Read once: the client is the only writer of its checkpoint, so memory stays authoritative afterwards.
    private async ValueTask<string?> LoadCursorAsync(CancellationToken cancellationToken)
    {
        if (!_cursorLoaded)
        {
            Volatile.Write(ref _cursor, await _options.Checkpoints.LoadAsync(cancellationToken).ConfigureAwait(false));
            _cursorLoaded = true;
        }

        return _cursor;
    }

    // Memory moves first: if saving fails, this process must not re-deliver what its handlers already took;
    // a restart re-delivers from the last saved cursor instead, which handlers tolerate anyway.
    private async Task MoveCursorAsync(string cursor, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _cursor, cursor);
        await _options.Checkpoints.SaveAsync(cursor, cancellationToken).ConfigureAwait(false);
    }
}
