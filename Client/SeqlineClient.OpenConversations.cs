using Microsoft.Extensions.Logging;

namespace Seqline.Client;

// A reset's snapshot says where each conversation is now, not what the device missed on the way. For the
// conversations the app shows, the library fills that gap from their storage timelines (which keep what sync
// timelines expire), so the app gets the same message events sync would have brought, in order, once.
public sealed partial class SeqlineClient
{
    // Conversation id → the newest seq the app has seen there. Written by the app's threads and the sync loop.
    private readonly Dictionary<string, long> _open = new(StringComparer.Ordinal);

    /// <summary>
    /// Tells the client the app shows a conversation and has its messages up to <paramref name="seenThroughSeq"/>,
    /// e.g. from the app's own store after a restart. After a reset the client pages this conversation's history
    /// from there and raises <see cref="MessageReceived"/> for each message the device missed (and <see cref="RoleChanged"/> or
    /// <see cref="TitleChanged"/> for each notice).
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seenThroughSeq">The newest seq the app has; 0 when it has none. The position only moves forward.</param>
    /// <remarks>
    /// While the conversation is open, every message or notice event the client delivers for it moves the position on,
    /// so the app need not call this again; <see cref="OpenConversations"/> shows where each one stands.
    /// </remarks>
    public void OpenConversation(string conversationId, long seenThroughSeq = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(seenThroughSeq);
        lock (_open)
        {
            _open[conversationId] = Math.Max(seenThroughSeq, _open.GetValueOrDefault(conversationId));
        }
    }

    /// <summary>Stops tracking a conversation: a reset no longer pages its history.</summary>
    /// <returns>Whether the conversation was open.</returns>
    public bool CloseConversation(string conversationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        lock (_open)
        {
            return _open.Remove(conversationId);
        }
    }

    /// <summary>The open conversations and the newest seq the app has seen in each, as of now.</summary>
    public IReadOnlyDictionary<string, long> OpenConversations
    {
        get
        {
            lock (_open)
            {
                return new Dictionary<string, long>(_open, StringComparer.Ordinal);
            }
        }
    }

    private void NoteSeen(SyncEvent syncEvent)
    {
        if (!syncEvent.IsTimelineEntry)
        {
            return;
        }

        lock (_open)
        {
            if (_open.TryGetValue(syncEvent.ConversationId, out var seen) && syncEvent.Seq > seen)
            {
                _open[syncEvent.ConversationId] = syncEvent.Seq;
            }
        }
    }

    // Callers hold _syncGate. The reset's cursor continues after each row's LastSeq, so paging up to it, and no
    // further, leaves nothing missing and nothing twice.
    private async Task CatchUpOpenConversationsAsync(IReadOnlyList<ConversationSummary>? snapshot, CancellationToken cancellationToken)
    {
        foreach (var row in snapshot ?? [])
        {
            long seen;
            lock (_open)
            {
                if (!_open.TryGetValue(row.ConversationId, out seen))
                {
                    continue;
                }
            }

            try
            {
                await PageMissedAsync(row, Math.Max(seen, row.ClearedThrough), cancellationToken).ConfigureAwait(false);
            }
            catch (SeqlineApiException exception) when (exception.Status is 403 or 404)
            {
                // Left or gone since the snapshot: there is nothing more of it to show, and failing would only
                // repeat the reset forever.
                _logger.LogInformation(exception, "Seqline could not page {ConversationId} after a reset; skipping it.", row.ConversationId);
            }
        }
    }

    private async Task PageMissedAsync(ConversationSummary row, long after, CancellationToken cancellationToken)
    {
        var limit = _options.SyncPageSize;
        while (after < row.LastSeq)
        {
            var from = after;
            var page = await _retry.ExecuteAsync(ct => _api.GetMessagesAfterAsync(row.ConversationId, from, limit, ct), cancellationToken)
                .ConfigureAwait(false);
            await DeliverAsync([.. page.Messages.Where(m => m.Seq <= row.LastSeq).Select(SyncEvent.For)]).ConfigureAwait(false);

            // History leaves out what the user hid but fills its pages past it: a page short of messages is the end.
            if (page.Messages.Count == 0 || !page.HasMore)
            {
                return;
            }
            after = page.Messages[^1].Seq;
        }
    }
}
