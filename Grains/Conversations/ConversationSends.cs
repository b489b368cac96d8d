using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// A conversation's send path: the group-commit loop that appends whatever sends have queued in
/// the <see cref="SendLog"/> (one append at a time, everything queued meanwhile in the next), and
/// the dedupe memory, rebuilt from the tail of the timeline before the first send of an activation.
/// It owns the append under way and the hold a membership change puts on new seqs
/// (<see cref="Hold"/>): a change waits for the append, and no batch is taken until it is stored,
/// so every seq from the change on is for the new members.
/// </summary>
internal sealed partial class ConversationSends(
    ConversationStore store,
    ConversationHistory history,
    ITimelineStore timeline,
    RecoveryReminder reminder,
    ConversationFanout fanout,
    SeqlineLimits limits,
    ConversationOptions options,
    TimeProvider clock,
    ILogger logger)
{
    private readonly SendLog _log = new(options.DedupeWindow, options.MaxCommitBatch);
    private readonly RecentSenders _senders = new();
    private Task? _committing;
    private Task? _append;
    private TaskCompletionSource? _held;
    private Task? _dedupeLoaded;

    // Seqs recalled in this activation, oldest first: a reply quoted before the recall and stored
    // after it must not keep the quote. Bounded; a reply waits for one append, not for thousands of recalls.
    private readonly HashSet<long> _recalled = [];
    private readonly Queue<long> _recalledOrder = new();
    private const int RecalledKept = 4096;

    /// <summary>The last seq durably appended.</summary>
    public long Head => _log.Head;

    /// <summary>Sends queued or being appended.</summary>
    public bool Busy => _log.HasQueued || _log.Appending;

    /// <summary>A membership change is being stored: new seqs wait for it.</summary>
    public bool Held => _held is not null;

    public void Start(long head)
    {
        _log.Start(head);
        _senders.Start(head);
    }

    /// <summary>Who sent (after, upTo], from memory; null when not all are known.</summary>
    public IReadOnlyList<SentBy>? SentBetween(long after, long upTo) => _senders.Between(after, upTo);

    public async Task<SendReceipt> Send(OutgoingMessage message)
    {
        Identifiers.RequireId(message.SenderId, "senderId");
        if (!Identifiers.IsValidClientMsgId(message.ClientMsgId))
            throw SeqlineException.Invalid("clientMsgId must be 1-64 characters of [A-Za-z0-9_-].");
        if (message.Body is null) throw SeqlineException.Invalid("body must not be empty.");
        if (Encoding.UTF8.GetByteCount(message.Body) > limits.MaxBodyBytes)
            throw SeqlineException.TooLarge($"body must be at most {limits.MaxBodyBytes} bytes of UTF-8.");
        message = ContentRules.Normalize(message, options.MaxContentBytes);
        store.RequireMember(message.SenderId);
        store.RequireUsable();
        await LoadRecentSends();
        store.RequireUsable();
        // Only a reply reads the store, and not when it is a retry: the original keeps its seq and quote.
        var quote = message.ReplyTo is { } replyTo && !_log.Knows(message) ? await QuoteOf(replyTo) : null;

        var receipt = _log.Admit(message, Activity.Current?.Context ?? default, quote);
        if (_committing is null or { IsCompleted: true }) _committing = CommitQueued();
        return await receipt;
    }

    // The original a reply names, read back for its quote; it must be durable already (at most the head).
    private async Task<MessageQuote> QuoteOf(long replyTo)
    {
        ReplyRules.RequireHeld(store.Id, replyTo, history.TrimmedThrough, _log.Head);
        IReadOnlyList<TimelineEntry> entries;
        try
        {
            entries = await timeline.ReadAfterAsync(store.Id, replyTo - 1, 1);
        }
        catch (TimelineTrimmedException)
        {
            entries = []; // trimmed by retention while this send waited
        }
        catch (Exception error) when (error is not SeqlineException)
        {
            LogQuoteReadFailed(error, store.Id);
            throw ConversationStore.Unavailable("The message replied to could not be read; retry with the same clientMsgId.");
        }
        if (entries.Count == 0 || entries[0].Seq != replyTo) throw SeqlineException.NotFound($"'{store.Id}' has no message {replyTo} to reply to.");
        store.RequireUsable();
        return ReplyRules.Quote(MessageCodec.ToMessage(store.Id, entries[0]));
    }

    /// <summary>
    /// Holds new seqs back until <see cref="Release"/>; the task completes once the append under
    /// way (if any) has ended, whatever became of it, so the next stored seq is <see cref="Head"/> + 1.
    /// </summary>
    public Task Hold()
    {
        _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return AppendEnded();
    }

    /// <summary>
    /// Appends notices the conversation writes itself, at the seqs after <see cref="Head"/>, while a
    /// change holds new seqs back (or before the activation takes any send); they fan out like messages.
    /// </summary>
    public async Task AppendNotices(IReadOnlyList<ChatMessage> notices)
    {
        store.RequireUsable();
        try
        {
            await (_append = timeline.AppendAsync(store.Id, notices.Select(MessageCodec.ToEntry).ToList()));
        }
        catch (Exception error)
        {
            // Whether it landed is unknown: the next activation finds the notices pending and sees.
            store.Poison(error, "notices");
            throw ConversationStore.Unavailable("The change could not be stored; retry it.");
        }
        finally
        {
            _append = null;
        }
        _log.Wrote(notices[^1].Seq);
        _senders.Stored(notices);
        fanout.Appended(notices, notices.Select(_ => default(ActivityContext)).ToList());
    }

    /// <summary>
    /// The message at <paramref name="seq"/> is recalled: replies to it that are not stored yet keep
    /// nothing of it. Completes once the append under way (if any, its quotes made before) has ended,
    /// whatever became of it, so that a scan of the stored replies after this finds its replies too.
    /// </summary>
    public Task Recalled(long seq)
    {
        if (_recalled.Add(seq))
        {
            _recalledOrder.Enqueue(seq);
            if (_recalledOrder.Count > RecalledKept) _recalled.Remove(_recalledOrder.Dequeue());
        }
        return AppendEnded();
    }

    // Completes once the append under way, if any, has ended, whatever became of it.
    private Task AppendEnded() => _append is { } appending ? appending.ContinueWith(_ => { }, TaskScheduler.Current) : Task.CompletedTask;

    public void Release()
    {
        var held = _held;
        _held = null;
        held?.SetResult();
    }

    // One append per turn, of everything queued (up to MaxCommitBatch): group commit.
    private async Task CommitQueued()
    {
        while (_log.HasQueued)
        {
            try
            {
                await reminder.Ensure();
            }
            catch (Exception error)
            {
                LogReminderFailed(error, store.Id);
                _log.RefuseQueued(ConversationStore.Unavailable("The message could not be stored; retry with the same clientMsgId."));
                return;
            }
            // Seqs from a membership change's on belong to its new members: wait until it is
            // stored. Nothing awaits between here and taking the batch, so no change slips in.
            while (_held is { } held) await held.Task;
            if (store.Broken)
            {
                _log.RefuseQueued(ConversationStore.Unavailable("The conversation is restarting; retry with the same clientMsgId."));
                return;
            }
            var sentAt = MessageCodec.StoredTime(clock.GetUtcNow());
            var members = store.Membership;
            var batch = _log.TakeBatch(store.Id, sentAt, members.Contains, m => Mentions.Of(m, members.Contains), out var traces);
            if (batch.Count == 0) continue;
            BlankRecalledQuotes(batch);
            try
            {
                await (_append = timeline.AppendAsync(store.Id, batch.Select(MessageCodec.ToEntry).ToList()));
            }
            catch (Exception error)
            {
                // Whether it reached the disk is unknown (a timeout may still land): start afresh.
                _log.Failed(batch);
                store.Poison(error, "append");
                return;
            }
            finally
            {
                _append = null;
            }
            // Again for what goes out: a recall recorded while this append was on disk blanked the
            // stored replies (it waited for the append), and the inboxes' copies must match them.
            BlankRecalledQuotes(batch);
            _log.Appended(batch);
            _senders.Stored(batch);
            fanout.Appended(batch, traces);
        }
    }

    // Replies quoted their original before it was recalled: they keep nothing of it.
    private void BlankRecalledQuotes(List<ChatMessage> batch)
    {
        if (_recalled.Count == 0) return;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is { ReplyTo: { } replyTo, Quote: { Recalled: not true } quote } && _recalled.Contains(replyTo))
                batch[i] = batch[i] with { Quote = ReplyRules.RecalledQuote(quote) };
        }
    }

    private async Task LoadRecentSends()
    {
        var loading = _dedupeLoaded ??= RememberRecentSends();
        try
        {
            await loading;
        }
        catch
        {
            // The next send tries again; a failed load must not fail every send of the activation.
            // Only this load is forgotten: a send that came later may already have started another.
            if (ReferenceEquals(_dedupeLoaded, loading)) _dedupeLoaded = null;
            throw ConversationStore.Unavailable("The conversation is starting; retry with the same clientMsgId.");
        }
    }

    // The newest DedupeWindow messages, read back one page at a time (newest page first).
    private async Task RememberRecentSends()
    {
        for (long before = _log.Head + 1, loaded = 0; before > history.TrimmedThrough + 1 && loaded < options.DedupeWindow;)
        {
            var entries = await timeline.ReadBeforeAsync(store.Id, before, (int)Math.Min(1000, options.DedupeWindow - loaded));
            if (entries.Count == 0) break;
            foreach (var entry in entries) _log.RememberStored(MessageCodec.ToMessage(store.Id, entry));
            before = entries[0].Seq;
            loaded += entries.Count;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the message a reply quotes in conversation {ConversationId} failed; the reply is refused")]
    private partial void LogQuoteReadFailed(Exception error, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the recovery reminder of conversation {ConversationId} failed; its sends are refused for now")]
    private partial void LogReminderFailed(Exception error, string conversationId);
}
