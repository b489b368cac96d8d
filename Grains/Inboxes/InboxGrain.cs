using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Streams.Core;
using Orleans.Utilities;
using Seqline.Conversations;
using Seqline.Diagnostics;
using Seqline.Hosting;
using Seqline.Push;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// A user's inbox. Every change is first an event appended to the user's sync timeline, then
/// applied to the conversation index; devices pull the same events from their own cursors, so the
/// server keeps nothing per device. Not reentrant: deliveries, read markers and pulls take turns.
/// Read-fan-out conversations put no messages here: sync reads them from their storage timelines
/// (<c>InboxGrain.Sync.cs</c>), and while a device is connected the inbox follows their streams to
/// push them (<c>InboxGrain.Live.cs</c>).
/// </summary>
public sealed partial class InboxGrain(
    [PersistentState("inbox", SeqlineStorage.GrainStateName)] IPersistentState<InboxState> state,
    [FromKeyedServices(TimelineStoreNames.Inboxes)] ITimelineStore timeline,
    [FromKeyedServices(TimelineStoreNames.Conversations)] ITimelineStore conversations,
    [FromKeyedServices(RowStoreNames.ConversationIndex)] IRowStore indexRows,
    [FromKeyedServices(RowStoreNames.Members)] IRowStore memberRows,
    Serializer serializer,
    SyncCursorCodec cursors,
    IOptions<SeqlineLimits> limits,
    IOptions<PushOptions> push,
    IOptions<FanoutOptions> fanout,
    IOptions<RetentionOptions> retention,
    IOptions<SyncOptions> sync,
    SeqlineMetrics metrics,
    [FromKeyedServices(RetentionOptions.Clock)] TimeProvider clock,
    ILogger<InboxGrain> logger) : Grain, IInboxGrain, IStreamSubscriptionObserver, IIncomingGrainCallFilter
{
    private const int PreviewLength = 100;
    private const int MaxRecentRecalls = 100;
    private const int MaxHidden = 1000;
    private const int MaxMentions = 1000;
    private readonly ObserverManager<IInboxObserver> _observers = new(push.Value.ObserverExpiry, logger);
    private long _trimmedThrough;
    private int _pastCheckpoint;

    // The conversation index: one row per conversation, written at checkpoints when changed.
    private readonly Dictionary<string, ConversationIndexEntry> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);

    private string UserId => this.GetPrimaryKeyString();
    private InboxState Index => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = await timeline.GetHeadAsync(UserId, cancellationToken);
        _trimmedThrough = head.TrimmedThrough;
        await LoadIndex(cancellationToken);
        // Expired events go on activation and then every TrimInterval; the timer interleaves, so
        // pulls and deliveries are served between trim batches.
        this.RegisterGrainTimer(TrimExpired, new GrainTimerCreationOptions(TimeSpan.Zero, retention.Value.TrimInterval) { Interleave = true });
        // Not interleaved: a checkpoint takes its turn like a delivery, so state writes never overlap.
        var checkpointEvery = sync.Value.CheckpointInterval;
        this.RegisterGrainTimer(CheckpointIfBehind, new GrainTimerCreationOptions(checkpointEvery, checkpointEvery));
        var epochBefore = Index.Epoch;
        if (Index.Epoch == 0)
        {
            // A new (or wiped) inbox starts an epoch; cursors of any earlier one will reset.
            NewEpoch();
            Index.Head = Math.Min(Index.Head, head.TrimmedThrough);
        }
        else if (head.LastSeq < Index.Head)
        {
            // The timeline lost events the index had seen (wiped, or restored from an older
            // copy): its positions will be handed out again, so cursors of before must reset.
            logger.LogWarning("The sync timeline of {UserId} ends at {TimelineHead}, before its index ({IndexHead}); starting a new epoch",
                UserId, head.LastSeq, Index.Head);
            NewEpoch();
            Index.Head = head.LastSeq;
        }
        if (Index.Epoch != epochBefore || head.LastSeq != Index.Head || _changed.Count > 0)
        {
            // Events appended after the last checkpoint (the previous activation crashed): replay them.
            for (var after = Math.Max(Index.Head, head.TrimmedThrough); after < head.LastSeq;)
            {
                var entries = await timeline.ReadAfterAsync(UserId, after, 1000, cancellationToken);
                foreach (var entry in entries) Apply(MessageCodec.ToEvent(entry));
                after = entries[^1].Seq;
            }
            Index.Head = head.LastSeq;
            await Checkpoint(cancellationToken);
        }
    }

    private void NewEpoch() => Index.Epoch = Random.Shared.NextInt64(1, long.MaxValue);

    // What cursors carry: the inbox's epoch, moved by the deployment's generation (a restore).
    private long CursorEpoch => unchecked(Index.Epoch + sync.Value.Generation * 0x5851F42D4C957F2DL);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await CheckpointIfBehind(cancellationToken);
        }
        catch (Exception error)
        {
            // The next activation replays what this checkpoint would have saved.
            logger.LogWarning(error, "Could not checkpoint the inbox of {UserId}; its next activation replays the timeline", UserId);
        }
        await StopFollowing();
    }

    // The rows first, then the head: rows ahead of the head are harmless, since replaying events
    // onto an index that has them already changes nothing (Apply is idempotent).
    private async Task Checkpoint(CancellationToken cancellationToken = default)
    {
        var changed = _changed.ToList();
        var write = changed.Where(_index.ContainsKey).Select(id => new Row(id, serializer.SerializeToArray(_index[id]))).ToList();
        await indexRows.ChangeAsync(UserId, write, changed.Where(id => !_index.ContainsKey(id)).ToList(), cancellationToken);
        _changed.ExceptWith(changed);
        await state.WriteStateAsync(cancellationToken);
        _pastCheckpoint = 0;
    }

    private async Task LoadIndex(CancellationToken cancellationToken)
    {
        foreach (var row in await indexRows.ReadAsync(UserId, cancellationToken))
            _index[row.Key] = serializer.Deserialize<ConversationIndexEntry>(row.Value.AsSpan())
                ?? throw new InvalidDataException($"The index row of '{row.Key}' in the inbox of '{UserId}' is empty.");
        if (Index.Conversations.Count == 0) return;
        // An earlier version kept the index in grain state: it goes to rows at this activation's checkpoint.
        foreach (var (id, entry) in Index.Conversations)
        {
            _index[id] = entry;
            _changed.Add(id);
        }
        Index.Conversations.Clear();
    }

    private Task CheckpointIfBehind(CancellationToken cancellationToken) =>
        _pastCheckpoint > 0 || _changed.Count > 0 ? Checkpoint(cancellationToken) : Task.CompletedTask;

    private async Task TrimExpired(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - retention.Value.SyncTimeline;
        _trimmedThrough = await RetentionTrimmer.TrimExpired(timeline, UserId, cutoff, retention.Value, cancellationToken);
    }

    public async Task<IReadOnlyList<ConversationSummary>> GetConversations() => await Snapshot();

    public async Task<ConversationSummary> MarkRead(string conversationId, long seq)
    {
        if (seq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        var entry = Member(conversationId);
        var target = Math.Min(seq, await LastSeqOf(conversationId, entry));
        if (target > entry.ReadSeq) await Append([new SyncEvent(SyncEventTypes.Read, conversationId, target)]);
        return await Summary(conversationId, entry);
    }

    public async Task<ConversationSummary> Hide(string conversationId, long seq)
    {
        var entry = Member(conversationId);
        if (seq < 1 || seq > await LastSeqOf(conversationId, entry)) throw SeqlineException.Invalid($"'{conversationId}' has no message {seq}.");
        if (seq > entry.ClearedThrough && !entry.Hidden.Contains(seq)) await Append([new SyncEvent(SyncEventTypes.Hidden, conversationId, seq)]);
        return await Summary(conversationId, entry);
    }

    public async Task<ConversationSummary> Clear(string conversationId, long throughSeq)
    {
        var entry = Member(conversationId);
        if (throughSeq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        var target = Math.Min(throughSeq, await LastSeqOf(conversationId, entry));
        if (target > entry.ClearedThrough) await Append([new SyncEvent(SyncEventTypes.Cleared, conversationId, target)]);
        return await Summary(conversationId, entry);
    }

    // Membership is the conversation's to check; an inbox that does not know the conversation hid nothing.
    public Task<HiddenMessages> GetHidden(string conversationId) => Task.FromResult(
        _index.TryGetValue(conversationId, out var entry)
            ? new HiddenMessages(entry.ClearedThrough, entry.Hidden.ToList())
            : new HiddenMessages(0, []));

    public async Task Mentioned(string conversationId, IReadOnlyList<long> seqs)
    {
        if (!_index.TryGetValue(conversationId, out var entry)) return;
        var fresh = seqs.Where(s => s > entry.ReadSeq && !entry.MentionSeqs.Contains(s)).Distinct().Order().ToList();
        if (fresh.Count > 0) await Append(fresh.Select(s => new SyncEvent(SyncEventTypes.Mention, conversationId, s)).ToList());
    }

    // In write fan-out the message event itself moves the read position (Apply); in read fan-out
    // the message never comes here, so the conversation says so.
    public async Task Wrote(string conversationId, long seq)
    {
        if (!_index.TryGetValue(conversationId, out var entry) || seq <= entry.ReadSeq) return;
        await Append([new SyncEvent(SyncEventTypes.Read, conversationId, seq)]);
    }

    private ConversationIndexEntry Member(string conversationId) =>
        _index.TryGetValue(conversationId, out var entry)
            ? entry
            : throw SeqlineException.Forbidden($"'{UserId}' is not a member of '{conversationId}'.");

    public async Task Deliver(InboxDelivery delivery)
    {
        RequireUsable();
        var conversation = delivery.Conversation;
        if (!_index.TryGetValue(conversation.ConversationId, out var entry))
        {
            // The joined event comes first: messages for a conversation the user is not in are
            // refused, so that the conversation tells the join (again) before delivering them.
            if (delivery.Messages.Count > 0 || delivery.Change is not null)
                throw new SeqlineException(ErrorCode.Conflict, $"'{UserId}' has not joined '{conversation.ConversationId}'.");
            return;
        }
        var events = new List<SyncEvent>();
        // A later switch, or a second one at the same seq (the conversation switched back before
        // any message there, after this inbox was told the first).
        if (delivery.Change is { } change && (change.Since > entry.FanoutSince || change.Since == entry.FanoutSince && change.Mode != entry.Fanout))
            events.Add(new SyncEvent(SyncEventTypes.Fanout, conversation.ConversationId, change.Since, Fanout: change.Mode));
        events.AddRange(delivery.Messages.Where(m => m.Seq > entry.LastSeq).Select(SyncEvent.For));
        events.AddRange((delivery.Recalls ?? []).Where(seq => !entry.RecentRecalls.Contains(seq))
            .Select(seq => new SyncEvent(SyncEventTypes.Recall, conversation.ConversationId, seq)));
        if (events.Count > 0) await Append(events, () => Track(conversation));
        // Also when the recall event was appended before (a redelivery): the copy may not be blank yet.
        if (delivery.Recalls is { Count: > 0 } recalls) await BlankRecalled(conversation.ConversationId, recalls);
    }

    public async Task Join(ConversationRef conversation)
    {
        // Known already: a notice delivered again. Otherwise nothing changes before the joined
        // event is durable, so a join that fails is told again in full.
        if (_index.ContainsKey(conversation.ConversationId))
        {
            Track(conversation);
            await Checkpoint();
        }
        else
        {
            await Append([new SyncEvent(SyncEventTypes.Joined, conversation.ConversationId, conversation.NextSeq, Fanout: conversation.Fanout)],
                () => Track(conversation));
        }
    }

    public async Task Leave(string conversationId, long lastSeq)
    {
        if (!_index.ContainsKey(conversationId)) return;
        await Append([new SyncEvent(SyncEventTypes.Left, conversationId, lastSeq)]);
    }

    private ConversationIndexEntry Track(ConversationRef conversation)
    {
        if (!_index.TryGetValue(conversation.ConversationId, out var entry))
        {
            // Where the user's messages start is the joined event's business, not this row's.
            _index[conversation.ConversationId] = entry = new ConversationIndexEntry
            {
                LastActivity = clock.GetUtcNow(),
                Fanout = conversation.Fanout,
            };
        }
        entry.Title = conversation.Title;
        entry.Kind = conversation.Kind;
        _changed.Add(conversation.ConversationId);
        return entry;
    }

    // The sync timeline first, then the index: the timeline is the truth the index is rebuilt from.
    // Nothing in memory changes until the events are durable (then <paramref name="applied"/> runs too).
    private async Task Append(IReadOnlyList<SyncEvent> events, Action? applied = null)
    {
        RequireUsable();
        var at = clock.GetUtcNow();
        var entries = events.Select((e, i) => MessageCodec.ToEntry(Index.Head + 1 + i, at, e)).ToList();
        try
        {
            await timeline.AppendAsync(UserId, entries);
        }
        catch (Exception error)
        {
            // Whether the events landed is unknown (a conflict: someone else appended), so this
            // activation's head can no longer be trusted: the next one replays the timeline.
            _broken = true;
            DeactivateOnIdle();
            if (error is not TimelineConflictException) logger.LogWarning(error, "Appending to the inbox of {UserId} failed; it restarts", UserId);
            throw new SeqlineException(ErrorCode.Unavailable, "The inbox is restarting; retry.");
        }
        var before = HeadCursor();
        applied?.Invoke();
        foreach (var e in events) Apply(e);
        Index.Head += entries.Count;
        // The timeline already holds the events; the index is written now and then, not every time.
        // A checkpoint that fails is only late: the events are durable, so they are pushed anyway.
        _pastCheckpoint += entries.Count;
        if (_pastCheckpoint >= Math.Max(1, sync.Value.CheckpointEvents))
        {
            try
            {
                await Checkpoint();
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Checkpointing the inbox of {UserId} failed; the next checkpoint or activation catches up", UserId);
            }
        }
        await Pushed(events, before);
    }

    // Set once a write's outcome is unknown: the activation serves nothing more and goes, since
    // its memory may disagree with its timeline (the next activation replays it).
    private bool _broken;

    public Task Invoke(IIncomingGrainCallContext context) => _broken
        ? throw new SeqlineException(ErrorCode.Unavailable, "The inbox is restarting; retry.")
        : context.Invoke();

    private void RequireUsable()
    {
        if (_broken) throw new SeqlineException(ErrorCode.Unavailable, "The inbox is restarting; retry.");
    }

    private void Apply(SyncEvent e)
    {
        _changed.Add(e.ConversationId);
        if (e.Type == SyncEventTypes.Left)
        {
            _index.Remove(e.ConversationId);
            return;
        }
        if (!_index.TryGetValue(e.ConversationId, out var entry))
        {
            _index[e.ConversationId] = entry = new ConversationIndexEntry { LastActivity = e.SentAt ?? clock.GetUtcNow() };
        }
        switch (e.Type)
        {
            case SyncEventTypes.Message:
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq);
                entry.LastMessage = new MessagePreview(e.Seq, e.SenderId!, e.SentAt!.Value, Preview(e.Body!));
                entry.LastActivity = e.SentAt.Value;
                // Writing a message means having read up to it.
                if (e.SenderId == UserId) ReadUpTo(entry, e.Seq);
                else if (e.Mentions?.Contains(UserId) == true) Mention(entry, e.Seq);
                break;
            case SyncEventTypes.Read:
                ReadUpTo(entry, e.Seq);
                break;
            case SyncEventTypes.Mention:
                Mention(entry, e.Seq);
                break;
            case SyncEventTypes.Hidden:
                if (entry.Hidden.Contains(e.Seq)) break;
                entry.Hidden.Add(e.Seq);
                if (entry.Hidden.Count > MaxHidden) entry.Hidden.RemoveAt(0);
                break;
            case SyncEventTypes.Cleared:
                entry.ClearedThrough = Math.Max(entry.ClearedThrough, e.Seq);
                entry.Hidden.RemoveAll(seq => seq <= entry.ClearedThrough);
                ReadUpTo(entry, e.Seq);
                break;
            case SyncEventTypes.Recall:
                // Replayed after its message's event, a recall must blank the preview again even if
                // the row already lists it.
                if (!entry.RecentRecalls.Contains(e.Seq)) entry.RecentRecalls.Add(e.Seq);
                if (entry.RecentRecalls.Count > MaxRecentRecalls) entry.RecentRecalls.RemoveAt(0);
                if (entry.LastMessage?.Seq == e.Seq) entry.LastMessage = entry.LastMessage with { Body = "" };
                break;
            case SyncEventTypes.Joined or SyncEventTypes.Fanout:
                // From here on messages come through this inbox (write) or from the conversation (read);
                // either way nothing below the switch is delivered here any more.
                entry.Fanout = e.Fanout ?? FanoutMode.Write;
                entry.FanoutSince = e.Seq;
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq - 1);
                // What was said before someone joined is history to them, not unread news.
                if (e.Type == SyncEventTypes.Joined) ReadUpTo(entry, e.Seq - 1);
                break;
        }
    }

    private static void Mention(ConversationIndexEntry entry, long seq)
    {
        if (seq <= entry.ReadSeq || entry.MentionSeqs.Contains(seq)) return;
        entry.MentionSeqs.Add(seq);
        if (entry.MentionSeqs.Count > MaxMentions) entry.MentionSeqs.RemoveAt(0);
    }

    private static void ReadUpTo(ConversationIndexEntry entry, long seq)
    {
        entry.ReadSeq = Math.Max(entry.ReadSeq, seq);
        entry.MentionSeqs.RemoveAll(s => s <= entry.ReadSeq);
    }

    private async Task<IReadOnlyList<ConversationSummary>> Snapshot(IReadOnlyDictionary<string, long>? readThrough = null)
    {
        var rows = new List<ConversationSummary>(_index.Count);
        foreach (var (id, entry) in _index) rows.Add(await Summary(id, entry, readThrough is not null && readThrough.TryGetValue(id, out var at) ? at : null));
        return rows
            .OrderByDescending(r => r.LastMessage?.SentAt ?? _index[r.ConversationId].LastActivity)
            .ThenBy(r => r.ConversationId, StringComparer.Ordinal)
            .ToList();
    }

    // In read fan-out the newest messages are in the conversation's timeline, not in the index.
    private async Task<ConversationSummary> Summary(string conversationId, ConversationIndexEntry e, long? readThrough = null)
    {
        var (lastSeq, lastMessage) = (e.LastSeq, e.LastMessage);
        if (e.Fanout == FanoutMode.Read)
        {
            var bound = Math.Min(readThrough ?? long.MaxValue, await ReadableThrough(conversationId, e));
            var newest = await conversations.ReadBeforeAsync(conversationId, bound == long.MaxValue ? long.MaxValue : bound + 1, 1);
            if (newest.Count == 1 && newest[0].Seq > lastSeq)
            {
                var m = MessageCodec.ToMessage(conversationId, newest[0]);
                (lastSeq, lastMessage) = (m.Seq, new MessagePreview(m.Seq, m.SenderId, m.SentAt, Preview(m.Body)));
            }
        }
        if (lastMessage is not null && (lastMessage.Seq <= e.ClearedThrough || e.Hidden.Contains(lastMessage.Seq))) lastMessage = null;
        return new(conversationId, e.Title, e.Kind, e.Fanout, lastSeq, e.ReadSeq, Math.Max(0, lastSeq - e.ReadSeq), lastMessage,
            e.MentionSeqs.Count(s => s > e.ReadSeq), e.ClearedThrough);
    }

    private async Task<long> LastSeqOf(string conversationId, ConversationIndexEntry entry) => entry.Fanout == FanoutMode.Read
        ? Math.Max(entry.LastSeq, Math.Min((await conversations.GetHeadAsync(conversationId)).LastSeq, await ReadableThrough(conversationId, entry)))
        : entry.LastSeq;

    /// <summary>
    /// How far the user may read a read-fan-out conversation's timeline: everything, unless they
    /// were removed and the conversation has not told this inbox yet (then up to the removal), or
    /// the conversation switched back to write fan-out and has not told this inbox yet (then up to
    /// the switch: copies follow). The conversation stores both before it gives any later message
    /// a seq, so whatever this inbox read of the timeline before asking is covered by the answer.
    /// </summary>
    private async Task<long> ReadableThrough(string conversationId, ConversationIndexEntry entry)
    {
        var member = await memberRows.ReadAsync(conversationId, UserId) is { } row ? MemberRow.From(row).ReadableThrough : long.MaxValue;
        return Math.Min(member, FanoutModesRow.ReadableThrough(await memberRows.ReadAsync(FanoutModesRow.OwnerOf(conversationId), FanoutModesRow.Key), entry.FanoutSince));
    }

    private static string Preview(string body) => body.Length <= PreviewLength ? body : body[..PreviewLength];
}
