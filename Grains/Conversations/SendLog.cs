using System.Diagnostics;

namespace Seqline.Conversations;

/// <summary>
/// The sending side of a conversation: sends queue while an append is on disk and go into the next
/// one together (group commit); seqs are handed out here only, one batch at a time, from the head
/// the timeline had when the conversation activated, so they are contiguous. A retry with the same
/// (sender, clientMsgId) gets the original receipt, also while the original is still queued.
/// </summary>
public sealed class SendLog(int dedupeWindow, int maxBatch)
{
    private readonly SendDeduplicator _receipts = new(dedupeWindow);
    private readonly Dictionary<(string, string), PendingSend> _pending = [];
    private readonly List<PendingSend> _queue = [];

    /// <summary>The last seq durably appended.</summary>
    public long Head { get; private set; }

    /// <summary>A batch is being appended (its seqs are taken but not yet durable).</summary>
    public bool Appending { get; private set; }

    public bool HasQueued => _queue.Count > 0;

    /// <summary>An append failed: whether it landed is unknown, so nothing more may be assigned.</summary>
    public bool Broken { get; private set; }

    public void Start(long head) => Head = head;

    /// <summary>A stored message, remembered so that its retry is recognised (a notice is nobody's send).</summary>
    public void RememberStored(ChatMessage message)
    {
        if (message.Type is null) RememberReceipt(message);
    }

    /// <summary>Notices the conversation appended itself took the seqs through <paramref name="seq"/>; nobody waits for them.</summary>
    public void Wrote(long seq) => Head = seq;

    private void RememberReceipt(ChatMessage message) =>
        _receipts.Remember(message.SenderId, message.ClientMsgId, new SendReceipt(message.ConversationId, message.Seq, message.SentAt, Duplicate: false));

    /// <summary>
    /// Takes a send in: its earlier receipt if it was stored, the waiting original if it is still
    /// queued, or a new pending send at the end of the queue (a reply with the quote it stores).
    /// </summary>
    public Task<SendReceipt> Admit(OutgoingMessage message, ActivityContext trace = default, MessageQuote? quote = null)
    {
        if (_receipts.TryGet(message.SenderId, message.ClientMsgId, out var earlier)) return Task.FromResult(earlier with { Duplicate = true });
        var key = (message.SenderId, message.ClientMsgId);
        if (_pending.TryGetValue(key, out var inFlight)) return AsDuplicate(inFlight.Completion.Task);
        var pending = new PendingSend(message, trace, quote);
        _pending[key] = pending;
        _queue.Add(pending);
        return pending.Completion.Task;
    }

    /// <summary>The send is a retry of one stored or queued: admitting it answers with the original.</summary>
    public bool Knows(OutgoingMessage message) =>
        _receipts.TryGet(message.SenderId, message.ClientMsgId, out _) || _pending.ContainsKey(Key(message));

    private static async Task<SendReceipt> AsDuplicate(Task<SendReceipt> original) => (await original) with { Duplicate = true };

    /// <summary>
    /// The next batch to append, with consecutive seqs after <see cref="Head"/>. Sends from users who
    /// are no longer members are refused here, as if they had been sent after their removal.
    /// </summary>
    public List<ChatMessage> TakeBatch(string conversationId, DateTimeOffset sentAt, Func<string, bool> isMember,
        Func<OutgoingMessage, IReadOnlyList<string>?> mentions) => TakeBatch(conversationId, sentAt, isMember, mentions, out _);

    /// <summary>As above, with the trace each send arrived in (default where none), in batch order.</summary>
    public List<ChatMessage> TakeBatch(string conversationId, DateTimeOffset sentAt, Func<string, bool> isMember,
        Func<OutgoingMessage, IReadOnlyList<string>?> mentions, out List<ActivityContext> traces)
    {
        var batch = new List<ChatMessage>();
        traces = [];
        while (_queue.Count > 0 && batch.Count < maxBatch)
        {
            var pending = _queue[0];
            _queue.RemoveAt(0);
            if (!isMember(pending.Message.SenderId))
            {
                _pending.Remove(Key(pending.Message));
                pending.Completion.TrySetException(SeqlineException.Forbidden($"'{pending.Message.SenderId}' is not a member of '{conversationId}'."));
                continue;
            }
            var m = pending.Message;
            IReadOnlyList<string>? mentioned;
            try
            {
                mentioned = mentions(m);
            }
            catch (Exception error)
            {
                // One malformed send fails alone; it must not stay pending with no answer.
                _pending.Remove(Key(m));
                pending.Completion.TrySetException(error);
                continue;
            }
            traces.Add(pending.Trace);
            batch.Add(new ChatMessage(conversationId, Head + 1 + batch.Count, m.SenderId, m.ClientMsgId, sentAt, m.Body, Mentions: mentioned,
                ReplyTo: m.ReplyTo, Quote: pending.Quote, ContentType: m.ContentType, Content: m.Content));
        }
        Appending = batch.Count > 0;
        return batch;
    }

    /// <summary>The batch is durable: its sends are acknowledged.</summary>
    public void Appended(IReadOnlyList<ChatMessage> batch)
    {
        Appending = false;
        Head = batch[^1].Seq;
        foreach (var message in batch)
        {
            var receipt = new SendReceipt(message.ConversationId, message.Seq, message.SentAt, Duplicate: false);
            _receipts.Remember(message.SenderId, message.ClientMsgId, receipt);
            if (_pending.Remove((message.SenderId, message.ClientMsgId), out var pending)) pending.Completion.TrySetResult(receipt);
        }
    }

    /// <summary>The append failed: the batch and everything queued are refused, and the log takes no more.</summary>
    public void Failed(IReadOnlyList<ChatMessage> batch)
    {
        Appending = false;
        Broken = true;
        var refusal = new SeqlineException(ErrorCode.Unavailable, "The message could not be stored; retry with the same clientMsgId.");
        foreach (var pending in _pending.Values) pending.Completion.TrySetException(refusal);
        _pending.Clear();
        _queue.Clear();
    }

    /// <summary>Nothing was written: the queued sends are refused, and may simply be retried.</summary>
    public void RefuseQueued(Exception refusal)
    {
        foreach (var pending in _queue)
        {
            _pending.Remove(Key(pending.Message));
            pending.Completion.TrySetException(refusal);
        }
        _queue.Clear();
    }

    private static (string, string) Key(OutgoingMessage message) => (message.SenderId, message.ClientMsgId);

    private sealed class PendingSend(OutgoingMessage message, ActivityContext trace, MessageQuote? quote)
    {
        public OutgoingMessage Message { get; } = message;
        public ActivityContext Trace { get; } = trace;
        public MessageQuote? Quote { get; } = quote;
        public TaskCompletionSource<SendReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
