using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// Owns a conversation's membership and storage timeline. Sends interleave so that those arriving
/// while an append is on disk queue up and go into the next append together (group commit); seqs
/// are handed out only by the commit loop, one batch at a time, so they are contiguous. A send is
/// acknowledged once its append is durable; fan-out to the members' inboxes follows, from an
/// in-memory outbox that is rebuilt from the timeline after a crash. Above a member threshold the
/// conversation switches to read fan-out: messages stay in its timeline and are published on its
/// stream instead of being copied into every inbox. Membership is in <c>ConversationGrain.Members.cs</c>,
/// the fan-out loop in <c>ConversationGrain.Fanout.cs</c>.
/// </summary>
public sealed partial class ConversationGrain : Grain, IConversationGrain, IRemindable
{
    private const string RecoveryReminder = "fanout-recovery";

    private readonly IPersistentState<ConversationState> _state;
    private readonly IRowStore _membership;
    private readonly ITimelineStore _timeline;
    private readonly SeqlineLimits _limits;
    private readonly ConversationOptions _options;
    private readonly FanoutOptions _fanout;
    private readonly RetentionOptions _retention;
    private readonly IFanoutGate _gate;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SendDeduplicator _dedupe;
    private readonly Dictionary<(string, string), PendingSend> _pending = [];
    private readonly List<PendingSend> _queue = [];
    private readonly List<ChatMessage> _outbox = [];
    private readonly SemaphoreSlim _stateWrite = new(1, 1);
    private long _head;
    private long _assignedThrough;
    private long _trimmedThrough;
    private bool _committing;
    private bool _fanningOut;
    private bool _broken;
    private Task? _dedupeLoaded;
    private Task? _reminderRegistered;

    public ConversationGrain(
        [PersistentState("conversation", SeqlineStorage.GrainStateName)] IPersistentState<ConversationState> state,
        [FromKeyedServices(TimelineStoreNames.Conversations)] ITimelineStore timeline,
        [FromKeyedServices(RowStoreNames.Members)] IRowStore membership,
        IOptions<SeqlineLimits> limits,
        IOptions<ConversationOptions> options,
        IOptions<FanoutOptions> fanout,
        IOptions<RetentionOptions> retention,
        IFanoutGate gate,
        [FromKeyedServices(RetentionOptions.Clock)] TimeProvider clock,
        ILogger<ConversationGrain> logger)
    {
        _state = state;
        _membership = membership;
        _timeline = timeline;
        _limits = limits.Value;
        _options = options.Value;
        _fanout = fanout.Value;
        _retention = retention.Value;
        _gate = gate;
        _clock = clock;
        _logger = logger;
        _dedupe = new SendDeduplicator(_options.DedupeWindow);
    }

    private string Id => this.GetPrimaryKeyString();
    private bool Exists => _state.RecordExists;
    private FanoutMode Mode => _state.State.FanoutChanges is [.., var last] ? last.Mode : FanoutMode.Write;
    private ConversationRef Ref => new(Id, _state.State.Kind, _state.State.Title, Mode, _assignedThrough + 1);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = await _timeline.GetHeadAsync(Id, cancellationToken);
        _head = _assignedThrough = head.LastSeq;
        await LoadMembers(cancellationToken);
        _trimmedThrough = head.TrimmedThrough;
        if (_retention.StorageTimeline is not null)
            this.RegisterGrainTimer(TrimExpired, new GrainTimerCreationOptions(TimeSpan.Zero, _retention.TrimInterval) { Interleave = true });
        // Messages acknowledged before a crash but not yet in every inbox: fan them out again.
        for (var after = Math.Max(_state.State.FannedOutThrough, _trimmedThrough); after < _head;)
        {
            var entries = await _timeline.ReadAfterAsync(Id, after, _options.FanoutBatch, cancellationToken);
            _outbox.AddRange(entries.Select(e => MessageCodec.ToMessage(Id, e)));
            after = entries[^1].Seq;
        }
        StartFanout();
    }

    // Only where a deployment sets a storage retention: by default conversations keep everything.
    private async Task TrimExpired(CancellationToken cancellationToken)
    {
        var cutoff = _clock.GetUtcNow() - _retention.StorageTimeline!.Value;
        _trimmedThrough = await RetentionTrimmer.TrimExpired(_timeline, Id, cutoff, _retention, cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Caught up: nothing for the recovery reminder to do, and a live reminder would wake us again.
        if (_reminderRegistered is { IsCompletedSuccessfully: true } && _queue.Count == 0 && !HasFanoutWork && _state.State.PendingRecalls.Count == 0)
        {
            var reminder = await this.GetReminder(RecoveryReminder);
            if (reminder is not null) await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartFanout();
        return Task.CompletedTask;
    }

    public Task<ConversationView> Get(string userId)
    {
        RequireMember(userId);
        return Task.FromResult(View());
    }

    public async Task<SendReceipt> Send(OutgoingMessage message)
    {
        Identifiers.RequireId(message.SenderId, "senderId");
        if (!Identifiers.IsValidClientMsgId(message.ClientMsgId))
            throw SeqlineException.Invalid("clientMsgId must be 1-64 characters of [A-Za-z0-9_-].");
        if (string.IsNullOrWhiteSpace(message.Body)) throw SeqlineException.Invalid("body must not be empty.");
        if (Encoding.UTF8.GetByteCount(message.Body) > _limits.MaxBodyBytes)
            throw SeqlineException.TooLarge($"body must be at most {_limits.MaxBodyBytes} bytes of UTF-8.");
        RequireMember(message.SenderId);

        await (_dedupeLoaded ??= LoadRecentSends());
        await EnsureRecoveryReminder();
        if (_broken) throw new SeqlineException(ErrorCode.Unavailable, "The conversation is restarting; retry with the same clientMsgId.");

        var key = (message.SenderId, message.ClientMsgId);
        if (_dedupe.TryGet(message.SenderId, message.ClientMsgId, out var earlier)) return earlier with { Duplicate = true };
        if (_pending.TryGetValue(key, out var inFlight)) return (await inFlight.Completion.Task) with { Duplicate = true };

        var pending = new PendingSend(message);
        _pending[key] = pending;
        _queue.Add(pending);
        if (!_committing) _ = CommitQueued();
        return await pending.Completion.Task;
    }

    public async Task<ChatMessage> Recall(string userId, long seq)
    {
        RequireMember(userId);
        if (seq <= _trimmedThrough || seq > _head) throw SeqlineException.NotFound($"'{Id}' has no message {seq}.");
        var entries = await _timeline.ReadAfterAsync(Id, seq - 1, 1);
        if (entries.Count == 0) throw SeqlineException.NotFound($"'{Id}' has no message {seq}.");
        var message = MessageCodec.ToMessage(Id, entries[0]);
        if (message.SenderId != userId) throw SeqlineException.Forbidden("Only the sender may recall a message.");
        if (message.Recalled) return message;
        if (_clock.GetUtcNow() - message.SentAt > _options.RecallWindow)
            throw SeqlineException.Forbidden($"Messages can be recalled for {_options.RecallWindow.TotalHours:0.#} hours after sending.");

        var tombstone = message with { Body = "", Recalled = true };
        await EnsureRecoveryReminder();
        await _timeline.ReplaceAsync(Id, MessageCodec.ToEntry(tombstone));
        var queued = _outbox.FindIndex(m => m.Seq == seq);
        if (queued >= 0) _outbox[queued] = tombstone;
        _state.State.PendingRecalls.Add(seq);
        await WriteState();
        StartFanout();
        return tombstone;
    }

    public async Task<MessagePage> ReadBefore(string userId, long? before, int limit)
    {
        RequireMember(userId);
        _limits.RequirePageSize(limit);
        var upTo = Math.Min(before ?? long.MaxValue, _head + 1);
        if (upTo < 1) throw SeqlineException.Invalid("before must be positive.");
        var entries = await _timeline.ReadBeforeAsync(Id, upTo, limit);
        var messages = entries.Select(e => MessageCodec.ToMessage(Id, e)).ToList();
        return new MessagePage(messages, messages.Count > 0 && messages[0].Seq > _trimmedThrough + 1);
    }

    public async Task<MessagePage> ReadAfter(string userId, long after, int limit)
    {
        RequireMember(userId);
        _limits.RequirePageSize(limit);
        if (after < 0) throw SeqlineException.Invalid("after must not be negative.");
        // History below the retention horizon is gone: the page starts where the timeline does now.
        after = Math.Max(after, _trimmedThrough);
        var entries = after >= _head ? [] : await _timeline.ReadAfterAsync(Id, after, (int)Math.Min(limit, _head - after));
        var messages = entries.Select(e => MessageCodec.ToMessage(Id, e)).ToList();
        return new MessagePage(messages, (messages.Count > 0 ? messages[^1].Seq : after) < _head);
    }

    private async Task CommitQueued()
    {
        _committing = true;
        try
        {
            while (_queue.Count > 0)
            {
                // Seqs from a membership change's on belong to its new members: wait until it is stored.
                if (_membershipChanging is { } changing) await changing.Task;
                var batch = _queue.Take(_options.MaxCommitBatch).ToList();
                _queue.RemoveRange(0, batch.Count);
                // A sender removed while their send waited is refused, as if they had sent after.
                foreach (var removed in batch.Where(p => !_members.Contains(p.Message.SenderId)).ToList())
                {
                    batch.Remove(removed);
                    _pending.Remove((removed.Message.SenderId, removed.Message.ClientMsgId));
                    removed.Completion.TrySetException(SeqlineException.Forbidden($"'{removed.Message.SenderId}' is not a member of '{Id}'."));
                }
                if (batch.Count == 0) continue;
                // Stores keep milliseconds; the receipt must match what history will show.
                var now = _clock.GetUtcNow();
                var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
                var messages = batch
                    .Select((p, i) => new ChatMessage(Id, _head + 1 + i, p.Message.SenderId, p.Message.ClientMsgId, sentAt, p.Message.Body,
                        Mentions: Mentions.Of(p.Message, _members)))
                    .ToList();
                _assignedThrough = messages[^1].Seq;
                try
                {
                    await _timeline.AppendAsync(Id, messages.Select(MessageCodec.ToEntry).ToList());
                }
                catch (Exception error)
                {
                    FailAll(batch, error);
                    return;
                }

                _head = messages[^1].Seq;
                for (var i = 0; i < batch.Count; i++)
                {
                    var receipt = new SendReceipt(Id, messages[i].Seq, sentAt, Duplicate: false);
                    _dedupe.Remember(messages[i].SenderId, messages[i].ClientMsgId, receipt);
                    _pending.Remove((messages[i].SenderId, messages[i].ClientMsgId));
                    batch[i].Completion.TrySetResult(receipt);
                }
                _outbox.AddRange(messages);
                StartFanout();
            }
        }
        finally
        {
            _committing = false;
        }
    }

    // Whether a failed append reached the disk is unknown (a timeout may still land), so this
    // activation's idea of the head can no longer be trusted: refuse sends and start afresh.
    private void FailAll(List<PendingSend> batch, Exception error)
    {
        LogAppendFailed(error, Id);
        _broken = true;
        var refusal = new SeqlineException(ErrorCode.Unavailable, "The message could not be stored; retry with the same clientMsgId.");
        foreach (var pending in batch.Concat(_queue))
        {
            _pending.Remove((pending.Message.SenderId, pending.Message.ClientMsgId));
            pending.Completion.TrySetException(refusal);
        }
        _queue.Clear();
        DeactivateOnIdle();
    }

    private async Task LoadRecentSends()
    {
        for (long before = _head + 1, loaded = 0; before > 1 && loaded < _options.DedupeWindow;)
        {
            var entries = await _timeline.ReadBeforeAsync(Id, before, (int)Math.Min(1000, _options.DedupeWindow - loaded));
            if (entries.Count == 0) break;
            // Remember oldest first so that the window evicts in timeline order.
            foreach (var message in entries.Select(e => MessageCodec.ToMessage(Id, e)))
                _dedupe.Remember(message.SenderId, message.ClientMsgId, new SendReceipt(Id, message.Seq, message.SentAt, Duplicate: false));
            before = entries[0].Seq;
            loaded += entries.Count;
        }
    }

    // The reminder is registered before the first append of an activation, so that every
    // acknowledged message has a reminder that outlives a crash and resumes its fan-out.
    private async Task EnsureRecoveryReminder()
    {
        try
        {
            await (_reminderRegistered ??= this.RegisterOrUpdateReminder(RecoveryReminder, _options.FanoutRecoveryPeriod, _options.FanoutRecoveryPeriod));
        }
        catch
        {
            _reminderRegistered = null;
            throw;
        }
    }

    private async Task WriteState()
    {
        // Fan-out and membership changes both write; one write at a time keeps the ETag in step.
        await _stateWrite.WaitAsync();
        try
        {
            await _state.WriteStateAsync();
        }
        finally
        {
            _stateWrite.Release();
        }
    }

    private void RequireMember(string userId)
    {
        if (!Exists) throw SeqlineException.NotFound($"Conversation '{Id}' does not exist.");
        if (!_members.Contains(userId)) throw SeqlineException.Forbidden($"'{userId}' is not a member of '{Id}'.");
    }

    private ConversationView View() => new(
        Id, _state.State.Kind, _state.State.Title,
        _members.Order(StringComparer.Ordinal).ToList(), Mode, _head);

    private sealed class PendingSend(OutgoingMessage message)
    {
        public OutgoingMessage Message { get; } = message;
        public TaskCompletionSource<SendReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Append to conversation {ConversationId} failed; deactivating")]
    private partial void LogAppendFailed(Exception error, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing messages of conversation {ConversationId} failed; devices will pull them")]
    private partial void LogPublishFailed(Exception error, string conversationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing the members of conversation {ConversationId} failed; deactivating")]
    private partial void LogMembershipFailed(Exception error, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out of conversation {ConversationId} failed (attempt {Attempt})")]
    private partial void LogFanoutFailed(Exception error, string conversationId, int attempt);
}
