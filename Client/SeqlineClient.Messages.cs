using Seqline.Client.Internal;

namespace Seqline.Client;

public sealed partial class SeqlineClient
{
    /// <summary>Sends a message and returns once the server has stored it durably.</summary>
    /// <param name="conversationId">A conversation the user is a member of.</param>
    /// <param name="body">The text, at most 16 KiB of UTF-8 by default.</param>
    /// <param name="clientMsgId">
    /// The idempotency key (1–64 of <c>[A-Za-z0-9_-]</c>, unique per sender). Generated when omitted; pass your
    /// own, stored with your outbox entry, to keep a retry after an app restart from sending the message twice.
    /// </param>
    /// <param name="mentions">
    /// Members to mention besides those named as <c>@userId</c> in the body. Each mentioned member's conversation row
    /// counts it in <see cref="ConversationSummary.Mentions"/> until they read it; ids of non-members are ignored.
    /// </param>
    /// <param name="cancellationToken">Stops retrying. The message may still have been stored.</param>
    /// <remarks>
    /// Network errors, timeouts, 5xx and 429 (after its Retry-After) are retried with the same clientMsgId,
    /// so at most one message is stored; <see cref="SendReceipt.Duplicate"/> tells that an earlier attempt had
    /// already succeeded. Other failures throw at once.
    /// </remarks>
    /// <exception cref="SeqlineApiException">The server refused the message, or failed on every attempt.</exception>
    public Task<SendReceipt> SendAsync(
        string conversationId, string body, string? clientMsgId = null, IEnumerable<string>? mentions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(body);

        // Fixed before the first attempt: every retry must carry the same key for the server to recognise it.
        var request = new SendMessageRequest(clientMsgId ?? Guid.NewGuid().ToString("N"), body, mentions?.ToArray());
        return SendWithAcknowledgementsAsync(conversationId, request, cancellationToken);
    }

    /// <summary>Sends a reply, a typed message (an image, a file, an <c>x-</c> type) or both, and returns once it is stored durably.</summary>
    /// <param name="conversationId">A conversation the user is a member of.</param>
    /// <param name="body">The text; for a typed message the fallback shown where its type is not rendered (may be empty for an image or a file).</param>
    /// <param name="options">The reply target, content type and content, mentions and idempotency key.</param>
    /// <param name="cancellationToken">Stops retrying. The message may still have been stored.</param>
    /// <remarks>Retried as <see cref="SendAsync(string, string, string?, IEnumerable{string}?, CancellationToken)"/> is.</remarks>
    /// <exception cref="SeqlineApiException">
    /// The server refused the message: <c>not_found</c> for a <see cref="SendOptions.ReplyTo"/> the conversation holds no message at,
    /// <c>invalid</c> for a notice or a bad content, <c>too_large</c> for content over the server's limit.
    /// </exception>
    public Task<SendReceipt> SendAsync(string conversationId, string body, SendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        var request = new SendMessageRequest(options.ClientMsgId ?? Guid.NewGuid().ToString("N"), body, options.Mentions,
            options.ReplyTo, options.ContentType, options.Content);
        return SendWithAcknowledgementsAsync(conversationId, request, cancellationToken);
    }

    // Acknowledgements of pushes waiting for their pace ride on the send (the server keeps them once the
    // message is stored), so a device that sends as often as it receives needs no hub message for them.
    // What the server skipped (another node pushed it: this request may not have reached the node of the
    // hub connection), or all of it when the send failed, goes back to wait for the hub.
    private async Task<SendReceipt> SendWithAcknowledgementsAsync(string conversationId, SendMessageRequest request, CancellationToken cancellationToken)
    {
        var riding = _acks?.TakeWaiting();
        var sending = riding is null ? request : request with { Delivered = riding };
        try
        {
            var (receipt, skipped) = await _retry.ExecuteAsync(ct => _api.SendMessageAsync(conversationId, sending, ct), cancellationToken).ConfigureAwait(false);
            if (riding is not null && skipped.Length > 0) _acks!.Note(riding.Where(p => skipped.Contains(p.ConversationId, StringComparer.Ordinal)).Select(p => (p.ConversationId, p.Seq)));
            return receipt;
        }
        catch when (riding is not null)
        {
            _acks!.Note(riding.Select(p => (p.ConversationId, p.Seq)));
            throw;
        }
    }

    /// <summary>Pages a conversation's history backward, e.g. when the user scrolls up.</summary>
    /// <param name="conversationId">A conversation the user is a member of.</param>
    /// <param name="before">Returns messages with a seq below this; null for the newest messages.</param>
    /// <param name="limit">At most this many messages (1–1,000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Messages in ascending seq order; <see cref="MessagePage.HasMore"/> tells whether older ones exist.</returns>
    public Task<MessagePage> GetHistoryBeforeAsync(string conversationId, long? before = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.GetMessagesBeforeAsync(conversationId, before, limit, ct), cancellationToken);
    }

    /// <summary>Pages a conversation's history forward, e.g. to fill a gap after a reset.</summary>
    /// <param name="conversationId">A conversation the user is a member of.</param>
    /// <param name="after">Returns messages with a seq above this; 0 for the oldest.</param>
    /// <param name="limit">At most this many messages (1–1,000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Messages in ascending seq order; <see cref="MessagePage.HasMore"/> tells whether newer ones exist.</returns>
    public Task<MessagePage> GetHistoryAfterAsync(string conversationId, long after, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.GetMessagesAfterAsync(conversationId, after, limit, ct), cancellationToken);
    }
}
