using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Utilities;
using Seqline.Diagnostics;
using Seqline.Hosting;
using Seqline.OfflinePush;
using Seqline.Push;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// A user's inbox: a shell over <see cref="ConversationIndex"/> (the conversation index),
/// <see cref="SyncReader"/> (pulls) and <see cref="LiveFollower"/> (live push), which own the
/// inbox's state and rules; this grain activates, persists, appends and calls out. Every change is
/// first an event appended to the user's sync timeline, then applied to the index; devices pull the
/// same events from their own cursors, so the server keeps nothing per device. Not reentrant:
/// deliveries, read markers and pulls take turns. One file per role: this one (activation,
/// checkpoints, appends), <c>.Owner.cs</c> (<see cref="IInboxOwner"/>), <c>.Delivery.cs</c>
/// (<see cref="IInboxDelivery"/>), <c>.Push.cs</c> (<see cref="IInboxPush"/>), <c>.Offline.cs</c> (offline push, mute). The fields are all here.
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
    IOptions<RetentionOptions> retention,
    IOptions<SyncOptions> sync,
    IOptions<ReceiptOptions> receipts,
    SeqlineMetrics metrics,
    OfflinePushDispatcher offlinePush,
    [FromKeyedServices(RetentionOptions.Clock)] TimeProvider clock,
    ILogger<InboxGrain> logger) : Grain, IInboxGrain, IIncomingGrainCallFilter
{
    private readonly ObserverManager<IInboxObserver> _observers = new(push.Value.ObserverExpiry, logger);
    private ConversationIndex _index = null!;
    private InboxReads _reads = null!;
    private LiveFollower _live = null!;
    private InboxRelays _relays = null!;
    private long _trimmedThrough;
    private int _pastCheckpoint;

    // Set once a write's outcome is unknown: the activation serves nothing more and goes, since
    // its memory may disagree with its timeline (the next activation replays it).
    private bool _broken;

    // A new inbox's epoch, not written yet: see Invoke. The write of it, shared by the calls that wait for it.
    private bool _epochUnsaved;
    private Task? _epochSave;

    // Orleans decodes the key into a new string on every GetPrimaryKeyString: read once per activation.
    private string UserId => _userId ??= this.GetPrimaryKeyString();
    private string? _userId;
    private InboxState Checkpointed => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _index = new ConversationIndex(UserId);
        _reads = new InboxReads(timeline, conversations, memberRows, UserId, _index);
        _live = new LiveFollower(UserId);
        _relays = new InboxRelays(GrainFactory, UserId, metrics, logger);
        LoadPresence();
        var head = await timeline.GetHeadAsync(UserId, cancellationToken);
        _trimmedThrough = head.TrimmedThrough;
        foreach (var row in await indexRows.ReadAsync(UserId, cancellationToken))
            _index.Load(row.Key, serializer.Deserialize<ConversationIndexEntry>(row.Value.AsSpan())
                ?? throw new InvalidDataException($"The index row of '{row.Key}' in the inbox of '{UserId}' is empty."));
        // Expired events go on activation and then every TrimInterval; the timer interleaves, so
        // pulls and deliveries are served between trim batches.
        this.RegisterGrainTimer(TrimExpired, new GrainTimerCreationOptions(TimeSpan.Zero, retention.Value.TrimInterval) { Interleave = true });
        // Not interleaved: a checkpoint takes its turn like a delivery, so state writes never overlap.
        // Spread: inboxes that activate together do not checkpoint together.
        var checkpointEvery = sync.Value.CheckpointInterval;
        this.RegisterGrainTimer(CheckpointIfBehind, SpreadTimers.Every(checkpointEvery));
        var epochBefore = Checkpointed.Epoch;
        if (epochBefore == 0 && head.LastSeq == 0 && _index.Count == 0)
        {
            // A new inbox, nothing in it yet: its epoch is written before the first call that could
            // hand out a cursor or append (see Invoke), not now. Asking the presence of any user id
            // activates that user's inbox, and must not leave a row behind.
            NewEpoch();
            _epochUnsaved = true;
            return;
        }
        if (Checkpointed.Epoch == 0)
        {
            // A new (or wiped) inbox starts an epoch; cursors of any earlier one will reset.
            NewEpoch();
            Checkpointed.Head = Math.Min(Checkpointed.Head, head.TrimmedThrough);
        }
        else if (head.LastSeq < Checkpointed.Head)
        {
            // The timeline lost events the index had seen (wiped, or restored from an older
            // copy): its positions will be handed out again, so cursors of before must reset.
            logger.LogWarning("The sync timeline of {UserId} ends at {TimelineHead}, before its index ({IndexHead}); starting a new epoch",
                UserId, head.LastSeq, Checkpointed.Head);
            NewEpoch();
            Checkpointed.Head = head.LastSeq;
        }
        if (Checkpointed.Epoch != epochBefore || head.LastSeq != Checkpointed.Head)
        {
            // Events appended after the last checkpoint (the previous activation crashed): replay them.
            for (var after = Math.Max(Checkpointed.Head, head.TrimmedThrough); after < head.LastSeq;)
            {
                var events = await _reads.ReadInbox(after, 1000);
                foreach (var (_, e) in events) _index.Apply(e, clock.GetUtcNow());
                after = events[^1].Position;
            }
            Checkpointed.Head = head.LastSeq;
            await Checkpoint(cancellationToken);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // Last seen is saved with checkpoints only; going, the inbox saves it once more.
            if (_presence.Unsaved) await Checkpoint(cancellationToken);
            else await CheckpointIfBehind(cancellationToken);
        }
        catch (Exception error)
        {
            // The next activation replays what this checkpoint would have saved.
            logger.LogWarning(error, "Could not checkpoint the inbox of {UserId}; its next activation replays the timeline", UserId);
        }
        await StopFollowing();
    }

    private void NewEpoch() => Checkpointed.Epoch = Random.Shared.NextInt64(1, long.MaxValue);

    // What cursors carry: the inbox's epoch, moved by the deployment's generation (a restore).
    private long CursorEpoch => unchecked(Checkpointed.Epoch + sync.Value.Generation * 0x5851F42D4C957F2DL);

    // The rows first, then the head: rows ahead of the head are harmless, since replaying events
    // onto an index that has them already changes nothing (Apply is idempotent).
    private async Task Checkpoint(CancellationToken cancellationToken = default)
    {
        var (changed, write, delete) = _index.Changes();
        await indexRows.ChangeAsync(UserId, write.Select(e => new Row(e.Key, serializer.SerializeToArray(e.Value))).ToList(), delete, cancellationToken);
        _index.Checkpointed(changed);
        SavingPresence();
        await state.WriteStateAsync(cancellationToken);
        _epochUnsaved = false;
        _presence.Saved();
        _pastCheckpoint = 0;
    }

    private Task CheckpointIfBehind(CancellationToken cancellationToken) =>
        _pastCheckpoint > 0 || _index.HasChanges ? Checkpoint(cancellationToken) : Task.CompletedTask;

    private async Task TrimExpired(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - retention.Value.SyncTimeline;
        _trimmedThrough = await RetentionTrimmer.TrimExpired(timeline, UserId, cutoff, retention.Value, cancellationToken);
    }

    // The sync timeline first, then the index: the timeline is the truth the index is rebuilt from.
    // Nothing in memory changes until the events are durable (then the index tracks <paramref name="tracked"/> too:
    // a delivery's or a join's conversation, passed rather than a closure, which every delivery would allocate).
    private async Task Append(IReadOnlyList<SyncEvent> events, ConversationRef? tracked = null)
    {
        RequireUsable();
        if (events.Count == 0) return;
        var at = clock.GetUtcNow();
        var entries = new TimelineEntry[events.Count];
        for (var i = 0; i < entries.Length; i++) entries[i] = InboxEventCodec.ToEntry(Checkpointed.Head + 1 + i, at, events[i]);
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
            throw Restarting();
        }
        var before = HeadCursor();
        if (tracked is not null) _index.Track(tracked, clock.GetUtcNow());
        for (var i = 0; i < events.Count; i++) _index.Apply(events[i], at);
        Checkpointed.Head += entries.Length;
        // The timeline already holds the events; the index is written now and then, not every time.
        // A checkpoint that fails is only late: the events are durable, so they are pushed anyway.
        _pastCheckpoint += entries.Length;
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

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_broken) throw Restarting();
        return _epochUnsaved && NeedsEpoch(context) ? SaveEpochThenInvoke(context) : context.Invoke();
    }

    // A call of one of the inbox's roles may append or hand out a cursor, so a new inbox writes its
    // epoch first; presence reads do neither, nor do timers (trimming, checkpoints when behind) and
    // the runtime's own calls, which Orleans also passes through here. Interleaving calls wait for
    // the same write, so no two state writes overlap.
    private static bool NeedsEpoch(IIncomingGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType is { } role && role.IsAssignableFrom(typeof(IInboxGrain))
        && !(role == typeof(IInboxPresence) && context.InterfaceMethod.Name != nameof(IInboxPresence.ChangeSettings));

    private async Task SaveEpochThenInvoke(IIncomingGrainCallContext context)
    {
        var save = _epochSave ??= Checkpoint();
        try
        {
            await save;
        }
        catch
        {
            // The next call tries again; this one fails as a store failure does.
            if (_epochSave == save) _epochSave = null;
            throw;
        }
        await context.Invoke();
    }

    private void RequireUsable()
    {
        if (_broken) throw Restarting();
    }

    private static SeqlineException Restarting() => new(ErrorCode.Unavailable, "The inbox is restarting; retry.");
}
