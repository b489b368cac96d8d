using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Timers;
using Seqline.Diagnostics;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// A conversation: its members (rows of the members store, <see cref="Membership"/>), its storage
/// timeline (appended only through the <see cref="SendLog"/>, so seqs are contiguous), and the fan-out
/// of what it stores to the members' inboxes (<see cref="ConversationFanout"/>). A send is
/// acknowledged once its append is durable. This grain is the shell: it loads and stores, and
/// decides nothing the domain classes can.
/// <para>
/// Any write whose outcome is unknown (an append, rows, state) leaves the activation unusable: it
/// refuses everything with <c>unavailable</c> and deactivates, and the next activation starts again
/// from what is stored.
/// </para>
/// </summary>
public sealed partial class ConversationGrain : Grain, IConversationGrain, IRemindable, IConversationFanoutHost, IIncomingGrainCallFilter
{
    // How long a membership change waits for its inboxes to be told before it answers anyway.
    private static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(5);

    private readonly IPersistentState<ConversationState> _state;
    private readonly IRowStore _memberRows;
    private readonly ITimelineStore _timeline;
    private readonly SeqlineLimits _limits;
    private readonly ConversationOptions _options;
    private readonly FanoutOptions _fanoutOptions;
    private readonly RetentionOptions _retention;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SendLog _sends;
    private readonly Membership _membership = new();
    private readonly SemaphoreSlim _rowWrite = new(1, 1);
    private readonly SemaphoreSlim _stateWrite = new(1, 1);
    private readonly IReminderRegistry _reminders;
    private readonly IFanoutGate _gate;
    private readonly SeqlineMetrics _metrics;
    private RecoveryReminder? _recovery;
    private ConversationFanout? _fanoutLoop;
    private long _trimmedThrough;
    private Task? _committing;
    private Task? _append;
    private TaskCompletionSource? _membershipChanging;
    private Task? _dedupeLoaded;
    private int _recalling;

    public ConversationGrain(
        [PersistentState("conversation", SeqlineStorage.GrainStateName)] IPersistentState<ConversationState> state,
        [FromKeyedServices(TimelineStoreNames.Conversations)] ITimelineStore timeline,
        [FromKeyedServices(RowStoreNames.Members)] IRowStore memberRows,
        IOptions<SeqlineLimits> limits,
        IOptions<ConversationOptions> options,
        IOptions<FanoutOptions> fanout,
        IOptions<RetentionOptions> retention,
        IFanoutGate gate,
        IReminderRegistry reminders,
        SeqlineMetrics metrics,
        [FromKeyedServices(RetentionOptions.Clock)] TimeProvider clock,
        ILogger<ConversationGrain> logger)
    {
        _state = state;
        _memberRows = memberRows;
        _timeline = timeline;
        _limits = limits.Value;
        _options = options.Value;
        _fanoutOptions = fanout.Value;
        _retention = retention.Value;
        _clock = clock;
        _logger = logger;
        _sends = new SendLog(_options.DedupeWindow, _options.MaxCommitBatch);
        _reminders = reminders;
        _gate = gate;
        _metrics = metrics;
    }

    private RecoveryReminder _reminder => _recovery ??= new RecoveryReminder(_reminders, this.GetGrainId(), _options.FanoutRecoveryPeriod);
    private ConversationFanout _fanout => _fanoutLoop ??= new ConversationFanout(this, GrainFactory, _timeline, _gate, _options, _metrics, _clock, _logger);

    public string Id => this.GetPrimaryKeyString();
    public bool Exists => _state.RecordExists;
    public bool Broken { get; private set; }
    public Membership Membership => _membership;
    public ConversationState State => _state.State;
    public FanoutModes Modes => new(_state.State.FanoutChanges);
    public long Head => _sends.Head;
    public long TrimmedThrough => _trimmedThrough;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = await _timeline.GetHeadAsync(Id, cancellationToken);
        _sends.Start(head.LastSeq);
        _trimmedThrough = head.TrimmedThrough;
        _membership.Apply((await _memberRows.ReadAsync(Id, cancellationToken)).Select(MemberRow.From));
        // A crash between a change's rows and its state can leave the mode behind the count, and
        // one between the state and the published modes leaves those behind: mend both first.
        if (Exists && SwitchModeFor(head.LastSeq + 1)) await WriteState();
        var published = await _memberRows.ReadAsync(FanoutModesRow.OwnerOf(Id), FanoutModesRow.Key, cancellationToken);
        if (Exists && (published is null || !FanoutModesRow.From(published).SequenceEqual(_state.State.FanoutChanges))) await PublishModes();
        if (_retention.StorageTimeline is not null)
            this.RegisterGrainTimer(TrimExpired, new GrainTimerCreationOptions(TimeSpan.Zero, _retention.TrimInterval) { Interleave = true });
        _fanout.Start();
    }

    // The fan-out's loops finish what they have under way first: an activation writes nothing
    // once the next one may have begun.
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_fanoutLoop is { } fanout) await fanout.StopAsync(cancellationToken);
        _metrics.ForgetFanout(Id);
    }

    // Only where a deployment sets a storage retention: by default conversations keep everything.
    private async Task TrimExpired(CancellationToken cancellationToken)
    {
        var cutoff = _clock.GetUtcNow() - _retention.StorageTimeline!.Value;
        _trimmedThrough = await RetentionTrimmer.TrimExpired(_timeline, Id, cutoff, _retention, cancellationToken);
    }

    // Work in progress or left to do: the recovery reminder must stay while there is any. An
    // activation whose writes failed does not know what storage holds, so it is never idle.
    private bool Idle => !Broken && !_sends.HasQueued && !_sends.Appending && _membershipChanging is null && _recalling == 0 && !_fanout.HasWork;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _logger.LogDebug("Recovery reminder of {ConversationId}: idle {Idle}", Id, Idle);
        _reminder.Fired();
        if (!Idle) _fanout.Start();
        else await _reminder.RemoveIf(() => Idle);
    }

    public Task<ConversationView> Get(string userId)
    {
        RequireMember(userId);
        return Task.FromResult(View());
    }

    public async Task<ConversationView> Create(NewConversation request)
    {
        Identifiers.RequireId(Id, "conversationId");
        Identifiers.RequireId(request.CreatorId, "creator");
        var members = request.Members.Append(request.CreatorId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var member in members) Identifiers.RequireId(member, "member");
        if (members.Count > _limits.MaxMembers) throw SeqlineException.TooLarge($"A conversation has at most {_limits.MaxMembers} members.");
        if (request.Title is { } title && title.Length > _limits.MaxTitleLength)
            throw SeqlineException.Invalid($"title must be at most {_limits.MaxTitleLength} characters.");
        if (request.Kind == ConversationKind.Direct)
        {
            if (members.Count != 2) throw SeqlineException.Invalid("A direct conversation is between exactly two users.");
            if (Id != DirectConversation.IdFor(members[0], members[1]))
                throw SeqlineException.Invalid("A direct conversation's id is DirectConversation.IdFor(the pair).");
        }
        RequireUsable();
        if (Exists)
        {
            if (request.Kind == ConversationKind.Direct && _state.State.Kind == ConversationKind.Direct) return View();
            throw new SeqlineException(ErrorCode.Conflict, $"Conversation '{Id}' exists already.");
        }

        await _reminder.Ensure();
        // Rows left by a create that failed before its state was written are not members.
        await UpdateRows(
            _ => members.Select(m => new MemberRow(m, true, [new MembershipTransition(true, 1)])).ToList(),
            _membership.Members.Concat(_membership.Unsettled.Select(r => r.UserId)).Except(members, StringComparer.Ordinal).Distinct().ToList());
        _state.State = new ConversationState
        {
            Kind = request.Kind,
            Title = request.Title,
            CreatedAt = _clock.GetUtcNow(),
            CreatedBy = request.CreatorId,
            FanoutChanges = FanoutModes.Initial(members.Count, _fanoutOptions.ReadFanoutAbove),
        };
        await WriteState();
        await PublishModes();
        await TellInboxes();
        return View();
    }

    public async Task<ConversationView> ChangeMembers(MembershipChange change)
    {
        RequireMember(change.ActorId);
        if (_state.State.Kind == ConversationKind.Direct) throw SeqlineException.Invalid("The members of a direct conversation cannot change.");
        foreach (var id in change.Add.Concat(change.Remove)) Identifiers.RequireId(id, "member");
        var after = new HashSet<string>(_membership.Members, StringComparer.Ordinal);
        after.UnionWith(change.Add);
        after.ExceptWith(change.Remove);
        if (after.Count > _limits.MaxMembers) throw SeqlineException.TooLarge($"A conversation has at most {_limits.MaxMembers} members.");
        if (after.SetEquals(_membership.Members)) return View();
        RequireUsable();

        // No seq is assigned while the change is stored (CommitQueued waits), and an append under
        // way finishes first, so every message from `since` on is for the new members, and `since`
        // follows what is durable, whatever becomes of an append that fails.
        var changing = _membershipChanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            if (_append is { } appending) await appending.ContinueWith(_ => { }, TaskScheduler.Current);
            RequireUsable();
            var since = _sends.Head + 1;
            await _reminder.Ensure();
            await UpdateRows(m => m.Change(change.Add, change.Remove, since));
            if (SwitchModeFor(since))
            {
                await WriteState();
                await PublishModes();
            }
        }
        finally
        {
            _membershipChanging = null;
            changing.SetResult();
        }
        await TellInboxes();
        return View();
    }

    private bool SwitchModeFor(long nextSeq) =>
        Modes.SwitchFor(_membership.Count, nextSeq, _fanoutOptions.ReadFanoutAbove, _fanoutOptions.WriteFanoutAtOrBelow);

    // Gives the fan-out a moment to tell the inboxes, so that the caller usually finds the
    // members' conversation lists up to date; the change is stored either way.
    private async Task TellInboxes()
    {
        try
        {
            await _fanout.NoticesTried().WaitAsync(NoticeWait);
        }
        catch (TimeoutException)
        {
        }
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
        RequireUsable();
        await LoadRecentSends();
        RequireUsable();

        var receipt = _sends.Admit(message, Activity.Current?.Context ?? default);
        if (_committing is null or { IsCompleted: true }) _committing = CommitQueued();
        return await receipt;
    }

    // One append per turn, of everything queued (up to MaxCommitBatch): group commit.
    private async Task CommitQueued()
    {
        while (_sends.HasQueued)
        {
            try
            {
                await _reminder.Ensure();
            }
            catch (Exception error)
            {
                LogReminderFailed(error, Id);
                _sends.RefuseQueued(Unavailable("The message could not be stored; retry with the same clientMsgId."));
                return;
            }
            // Seqs from a membership change's on belong to its new members: wait until it is
            // stored. Nothing awaits between here and taking the batch, so no change slips in.
            while (_membershipChanging is { } changing) await changing.Task;
            if (Broken)
            {
                _sends.RefuseQueued(Unavailable("The conversation is restarting; retry with the same clientMsgId."));
                return;
            }
            // Stores keep milliseconds; the receipt must match what history will show.
            var now = _clock.GetUtcNow();
            var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
            var batch = _sends.TakeBatch(Id, sentAt, _membership.Contains, m => Mentions.Of(m, _membership.Contains), out var traces);
            if (batch.Count == 0) continue;
            try
            {
                await (_append = _timeline.AppendAsync(Id, batch.Select(MessageCodec.ToEntry).ToList()));
            }
            catch (Exception error)
            {
                // Whether it reached the disk is unknown (a timeout may still land): start afresh.
                _sends.Failed(batch);
                Poison(error, "append");
                return;
            }
            finally
            {
                _append = null;
            }
            _sends.Appended(batch);
            _fanout.Appended(batch, traces);
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
            throw Unavailable("The conversation is starting; retry with the same clientMsgId.");
        }
    }

    // The newest DedupeWindow messages, read back one page at a time (newest page first).
    private async Task RememberRecentSends()
    {
        for (long before = _sends.Head + 1, loaded = 0; before > _trimmedThrough + 1 && loaded < _options.DedupeWindow;)
        {
            var entries = await _timeline.ReadBeforeAsync(Id, before, (int)Math.Min(1000, _options.DedupeWindow - loaded));
            if (entries.Count == 0) break;
            foreach (var entry in entries) _sends.RememberStored(MessageCodec.ToMessage(Id, entry));
            before = entries[0].Seq;
            loaded += entries.Count;
        }
    }

    public async Task<ChatMessage> Recall(string userId, long seq)
    {
        RequireMember(userId);
        RequireUsable();
        if (seq <= _trimmedThrough || seq > _sends.Head) throw SeqlineException.NotFound($"'{Id}' has no message {seq}.");
        var entries = await _timeline.ReadAfterAsync(Id, seq - 1, 1);
        if (entries.Count == 0) throw SeqlineException.NotFound($"'{Id}' has no message {seq}.");
        var message = MessageCodec.ToMessage(Id, entries[0]);
        if (message.SenderId != userId) throw SeqlineException.Forbidden("Only the sender may recall a message.");
        if (!message.Recalled && _clock.GetUtcNow() - message.SentAt > _options.RecallWindow)
            throw SeqlineException.Forbidden($"Messages can be recalled for {_options.RecallWindow.TotalHours:0.#} hours after sending.");

        // The recall is recorded first and the tombstone written after, so a crash in between
        // leaves a pending recall whose delivery writes the tombstone; a retry (also of a recall
        // that went through) makes sure it goes out.
        var tombstone = message with { Body = "", Recalled = true };
        _recalling++;
        try
        {
            await _reminder.Ensure();
            if (!_state.State.PendingRecalls.Contains(seq))
            {
                _state.State.PendingRecalls.Add(seq);
                await WriteState();
            }
            if (!message.Recalled) await _timeline.ReplaceAsync(Id, MessageCodec.ToEntry(tombstone));
        }
        catch (Exception error) when (error is not SeqlineException)
        {
            Poison(error, "recall");
            throw Unavailable("The recall could not be stored; retry it.");
        }
        finally
        {
            _recalling--;
        }
        _fanout.Recalled(tombstone);
        return tombstone;
    }

    public async Task<MessagePage> ReadBefore(string userId, long? before, int limit)
    {
        RequireMember(userId);
        _limits.RequirePageSize(limit);
        var upTo = Math.Min(before ?? long.MaxValue, _sends.Head + 1);
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
        var head = _sends.Head;
        var entries = after >= head ? [] : await _timeline.ReadAfterAsync(Id, after, (int)Math.Min(limit, head - after));
        var messages = entries.Select(e => MessageCodec.ToMessage(Id, e)).ToList();
        return new MessagePage(messages, (messages.Count > 0 ? messages[^1].Seq : after) < head);
    }

    /// <summary>Stores rows computed from the current membership, one change at a time; memory follows only what is stored.</summary>
    public async Task UpdateRows(Func<Membership, IReadOnlyList<MemberRow>> change, IReadOnlyCollection<string>? delete = null)
    {
        await _rowWrite.WaitAsync();
        try
        {
            RequireUsable();
            var rows = change(_membership);
            if (rows.Count == 0 && delete is not { Count: > 0 }) return;
            try
            {
                await _memberRows.ChangeAsync(Id, rows.Where(r => !r.IsGone).Select(r => r.ToRow()).ToList(),
                    rows.Where(r => r.IsGone).Select(r => r.UserId).Concat(delete ?? []).ToList());
            }
            catch (Exception error)
            {
                // Part of a large change may have landed: a new activation reads the rows back.
                Poison(error, "member rows");
                throw Unavailable("The membership change could not be stored; retry it.");
            }
            if (delete is not null) _membership.Apply(delete.Select(u => new MemberRow(u, false, [])));
            _membership.Apply(rows);
        }
        finally
        {
            _rowWrite.Release();
        }
    }

    // The switches, for inboxes that read the timeline; stored after the state and before any
    // message is given a seq under them (a change holds sends back until it returns).
    private async Task PublishModes()
    {
        RequireUsable();
        try
        {
            await _memberRows.ChangeAsync(FanoutModesRow.OwnerOf(Id), [FanoutModesRow.ToRow(_state.State.FanoutChanges)], []);
        }
        catch (Exception error)
        {
            Poison(error, "fan-out modes");
            throw Unavailable("The conversation could not store its fan-out modes; retry.");
        }
    }

    /// <summary>Writes the grain state, one write at a time so the ETag stays in step.</summary>
    public async Task WriteState()
    {
        await _stateWrite.WaitAsync();
        try
        {
            RequireUsable();
            await _state.WriteStateAsync();
        }
        catch (Exception error) when (error is not SeqlineException)
        {
            // The state in memory may be ahead of the stored one: start again from what is stored.
            Poison(error, "state");
            throw Unavailable("The conversation could not store its state; retry.");
        }
        finally
        {
            _stateWrite.Release();
        }
    }

    public void Poison(Exception error, string what)
    {
        if (!Broken) LogPoisoned(error, Id, what);
        Broken = true;
        DeactivateOnIdle();
    }

    // A broken activation answers nothing from a memory that may disagree with storage.
    public Task Invoke(IIncomingGrainCallContext context) => Broken ? throw Unavailable("The conversation is restarting; retry.") : context.Invoke();

    private void RequireUsable()
    {
        if (Broken) throw Unavailable("The conversation is restarting; retry.");
    }

    private static SeqlineException Unavailable(string message) => new(ErrorCode.Unavailable, message);

    private void RequireMember(string userId)
    {
        if (!Exists) throw SeqlineException.NotFound($"Conversation '{Id}' does not exist.");
        if (!_membership.Contains(userId)) throw SeqlineException.Forbidden($"'{userId}' is not a member of '{Id}'.");
    }

    public IAsyncStream<ConversationMessages> Stream =>
        this.GetStreamProvider(_fanoutOptions.StreamProvider).GetStream<ConversationMessages>(StreamId.Create(FanoutOptions.StreamNamespace, Id));

    public ConversationRef Reference(long nextSeq) =>
        new(Id, _state.State.Kind, _state.State.Title, Modes.At(nextSeq), nextSeq);

    private ConversationView View() => new(
        Id, _state.State.Kind, _state.State.Title,
        _membership.Members.Order(StringComparer.Ordinal).ToList(), Modes.Current, _sends.Head);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the {What} of conversation {ConversationId} failed; it restarts")]
    private partial void LogPoisoned(Exception error, string conversationId, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the recovery reminder of conversation {ConversationId} failed; its sends are refused for now")]
    private partial void LogReminderFailed(Exception error, string conversationId);
}
