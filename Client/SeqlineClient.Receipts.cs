using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Seqline.Client;

// Receipts others see: the other members' read and delivered positions. Asked for over HTTP when a
// conversation opens; moves come over the hub only while connected and are never replayed.
public sealed partial class SeqlineClient
{
    /// <summary>Other members' positions moved in a conversation; apply it with <see cref="ConversationReceipts.With"/>.</summary>
    /// <remarks>
    /// Raised on SignalR's receive loop, not the sync loop: keep handlers short. Raised once per
    /// conversation, also for the notices of several conversations the server sends as one batch.
    /// </remarks>
    public event Func<ReceiptsNotice, Task>? ReceiptsReceived;

    /// <summary>The other members' read and delivered positions; <c>not_found</c> for a conversation the user is not in.</summary>
    public Task<ConversationReceipts> GetReceiptsAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.GetReceiptsAsync(conversationId, ct), cancellationToken);
    }

    /// <summary>
    /// Tells the server this device has the conversation's messages up to <paramref name="seq"/>, for
    /// messages that came some other way than sync (pushes are acknowledged by themselves, see
    /// <see cref="SeqlineClientOptions.AcknowledgeDeliveries"/>).
    /// </summary>
    /// <remarks>Retried on transient failures: positions only move forward.</remarks>
    public Task AcknowledgeDeliveredAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(async ct => { await _api.PostDeliveredAsync(conversationId, seq, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    /// <summary>Stops (or resumes) sharing read positions: then the user sees nobody's either.</summary>
    /// <remarks>Retried on transient failures: setting the same value twice changes nothing more.</remarks>
    public Task<UserSettings> SetHideReadReceiptsAsync(bool hide, CancellationToken cancellationToken = default) =>
        _retry.ExecuteAsync(ct => _api.PutSettingsAsync(new Internal.SettingsChange(null, hide), ct), cancellationToken);

    private Task OnReceiptsAsync(ReceiptsNotice notice) => RaiseAsync(ReceiptsReceived, notice);

    private async Task OnReceiptsManyAsync(IReadOnlyList<ReceiptsNotice> notices)
    {
        foreach (var notice in notices) await RaiseAsync(ReceiptsReceived, notice).ConfigureAwait(false);
    }

    private Internal.DeliveryAcks? _acks;
    private int _acknowledgementsPaused;

    /// <summary>
    /// Whether this device acknowledges the pushes it applies now (<see cref="SeqlineClientOptions.AcknowledgeDeliveries"/>
    /// set, and not paused here). Set it to false to stop moving the senders' "delivered" ticks from this
    /// device while it runs (an app in a power-saving state, or a comparison of both ways in one run), and
    /// back to true to resume; either takes effect from the next push. What was noted before a pause
    /// still goes out. Ignored when the options turned acknowledgements off.
    /// </summary>
    public bool AcknowledgingDeliveries
    {
        get => _options.AcknowledgeDeliveries is not null && Volatile.Read(ref _acknowledgementsPaused) == 0;
        set => Volatile.Write(ref _acknowledgementsPaused, value ? 0 : 1);
    }

    // The newest message seq of each conversation in a push, batched across conversations, not
    // awaited: a lost acknowledgement only leaves the sender's tick at sent until the next one. The
    // server ignores the user's own messages. Messages of read fan-out (fanout: read) have no
    // receipts: a large group's members send nothing back for them.
    private Task AcknowledgePushAsync(IReadOnlyList<SyncEvent> events)
    {
        if (!AcknowledgingDeliveries || _options.AcknowledgeDeliveries is not { } every) return Task.CompletedTask;
        var acks = LazyInitializer.EnsureInitialized(ref _acks, () => new Internal.DeliveryAcks(every, _options.AcknowledgeDeliveriesWhenBusy, _options.TimeProvider, SendDeliveredAsync));
        // Every device acknowledges every push: no grouping here, the acknowledgements keep each conversation's newest.
        acks.NotePushed(events);
        return Task.CompletedTask;
    }

    private async Task SendDeliveredAsync(Internal.DeliveredPosition[] positions)
    {
        if (_hub is not { State: HubConnectionState.Connected } hub) return;
        try
        {
            await hub.SendAsync("DeliveredMany", positions).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _logger.LogDebug(error, "Acknowledging {Count} conversations failed; the senders' ticks wait for the next acknowledgement.", positions.Length);
        }
    }
}
