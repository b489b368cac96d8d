using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Timers;
using Seqline.Diagnostics;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// A conversation: its members (rows of the members store), its storage timeline (appended only by
/// the send path, so seqs are contiguous), and the fan-out of what it stores to the members' inboxes.
/// A send is acknowledged once its append is durable. This grain is the shell: activation, the
/// retention timer, the recovery reminder and the call filter; each call goes to the part that
/// owns its state:
/// <list type="table">
/// <item><term><see cref="ConversationStore"/></term><description>grain state, member rows, published modes, the poisoning of the activation</description></item>
/// <item><term><see cref="ConversationSends"/></term><description>the group-commit loop and the dedupe memory</description></item>
/// <item><term><see cref="MembershipChanges"/></term><description>create and change members</description></item>
/// <item><term><see cref="RoleChanges"/></term><description>roles and the title, with the notices they write (<see cref="ConversationNotices"/>)</description></item>
/// <item><term><see cref="ConversationRecalls"/></term><description>recalls, recorded and delivered</description></item>
/// <item><term><see cref="MessageChanges"/></term><description>edits and reactions, notices that rewrite the message they name</description></item>
/// <item><term><see cref="ConversationHistory"/></term><description>history pages and retention</description></item>
/// <item><term><see cref="ConversationFanout"/></term><description>the fan-out loops (its only background work)</description></item>
/// </list>
/// Any write whose outcome is unknown leaves the activation unusable: it refuses everything with
/// <c>unavailable</c> and deactivates, and the next activation starts again from what is stored.
/// </summary>
public sealed class ConversationGrain : Grain, IConversationGrain, IConversationSenders, IRemindable, IConversationFanoutHost, IIncomingGrainCallFilter
{
    private readonly ITimelineStore _timeline;
    private readonly RetentionOptions _retention;
    private readonly FanoutOptions _fanoutOptions;
    private readonly SeqlineMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConversationStore _store;
    private readonly ConversationHistory _history;
    private readonly RecoveryReminder _reminder;
    private readonly ConversationSends _sends;
    private readonly MembershipChanges _members;
    private readonly ConversationNotices _notices;
    private readonly RoleChanges _roles;
    private readonly ConversationRecalls _recalls;
    private readonly MessageChanges _changes;
    private readonly ConversationFanout _fanout;

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
        var id = this.GetPrimaryKeyString();
        var o = options.Value;
        _timeline = timeline;
        _retention = retention.Value;
        _fanoutOptions = fanout.Value;
        _metrics = metrics;
        _logger = logger;
        _store = new ConversationStore(id, state, memberRows, DeactivateOnIdle, logger);
        _history = new ConversationHistory(id, timeline, limits.Value, _retention, clock);
        _reminder = new RecoveryReminder(reminders, this.GetGrainId(), o.FanoutRecoveryPeriod);
        var calls = new FanoutCalls(_store, this, GrainFactory, gate, o.FanoutParallelism, logger);
        // The sends are made below (they need the fan-out, which needs the recalls); a recall runs only later.
        _recalls = new ConversationRecalls(_store, _history, this, timeline, calls, seq => _sends!.Recalled(seq), _reminder, o, clock, logger);
        _fanout = new ConversationFanout(_store, this, calls, _recalls, timeline, o, metrics, clock, logger);
        _sends = new ConversationSends(_store, _history, timeline, _reminder, _fanout, limits.Value, o, clock, logger);
        _notices = new ConversationNotices(_store, _sends, _reminder, clock);
        _members = new MembershipChanges(_store, _sends, _notices, _fanout, _reminder, limits.Value, _fanoutOptions, clock);
        _roles = new RoleChanges(_store, _notices, limits.Value);
        _changes = new MessageChanges(_store, _history, this, timeline, _notices, limits.Value, o, clock);
    }

    public long Head => _sends.Head;

    public IAsyncStream<ConversationMessages> Stream =>
        this.GetStreamProvider(_fanoutOptions.StreamProvider).GetStream<ConversationMessages>(StreamId.Create(FanoutOptions.StreamNamespace, _store.Id));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = await _timeline.GetHeadAsync(_store.Id, cancellationToken);
        _sends.Start(head.LastSeq);
        _history.Start(head.TrimmedThrough);
        await _store.LoadMembers(cancellationToken);
        await _members.Mend(head.LastSeq + 1, cancellationToken);
        await _notices.Mend();
        await _changes.Mend();
        await _roles.Mend();
        if (_retention.StorageTimeline is not null)
            this.RegisterGrainTimer(_history.TrimExpired, new GrainTimerCreationOptions(TimeSpan.Zero, _retention.TrimInterval) { Interleave = true });
        _fanout.Start();
    }

    // The fan-out's loops finish what they have under way first: an activation writes nothing
    // once the next one may have begun.
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _fanout.StopAsync(cancellationToken);
        _metrics.ForgetFanout(_store.Id);
    }

    // Work in progress or left to do: the recovery reminder must stay while there is any. An
    // activation whose writes failed does not know what storage holds, so it is never idle.
    private bool Idle => !_store.Broken && !_sends.Busy && !_sends.Held && !_recalls.Busy && !_fanout.HasWork;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _logger.LogDebug("Recovery reminder of {ConversationId}: idle {Idle}", _store.Id, Idle);
        _reminder.Fired();
        if (!Idle) _fanout.Start();
        else await _reminder.RemoveIf(() => Idle);
    }

    // A broken activation answers nothing from a memory that may disagree with storage.
    public Task Invoke(IIncomingGrainCallContext context) =>
        _store.Broken ? throw ConversationStore.Unavailable("The conversation is restarting; retry.") : context.Invoke();

    public Task<ConversationView> Get(string userId)
    {
        _store.RequireMember(userId);
        return Task.FromResult(View());
    }

    public async Task<ConversationView> Create(NewConversation request)
    {
        await _members.Create(request);
        return View();
    }

    public async Task<ConversationView> ChangeMembers(MembershipChange change)
    {
        await _members.Change(change);
        return View();
    }

    public async Task<ConversationView> SetRole(RoleChange change)
    {
        await _roles.SetRole(change);
        return View();
    }

    public async Task<ConversationView> SetTitle(string actorId, string? title)
    {
        await _roles.SetTitle(actorId, title);
        return View();
    }

    public Task<SendReceipt> Send(OutgoingMessage message) => _sends.Send(message);

    public async Task<ChatMessage> Recall(string userId, long seq)
    {
        var tombstone = await _recalls.Recall(userId, seq);
        _fanout.Recalled(tombstone);
        return tombstone;
    }

    public Task<ChatMessage> Edit(string userId, long seq, string body) => _changes.Edit(userId, seq, body);

    public Task<ChatMessage> AddReaction(string userId, long seq, string emoji) => _changes.React(userId, seq, emoji, add: true);

    public Task<ChatMessage> RemoveReaction(string userId, long seq, string emoji) => _changes.React(userId, seq, emoji, add: false);

    public Task<IReadOnlyList<SentBy>?> SentBetween(long after, long upTo) => Task.FromResult(_sends.SentBetween(after, upTo));

    public Task<MessagePage> ReadBefore(string userId, long? before, int limit)
    {
        _store.RequireMember(userId);
        return _history.ReadBefore(before, limit, _sends.Head);
    }

    public Task<MessagePage> ReadAfter(string userId, long after, int limit)
    {
        _store.RequireMember(userId);
        return _history.ReadAfter(after, limit, _sends.Head);
    }

    private ConversationView View() => new(
        _store.Id, _store.State.Kind, _store.State.Title,
        _store.Membership.Members.Order(StringComparer.Ordinal).ToList(), _store.Modes.Current, _sends.Head,
        _store.Roles.Owner, _store.Roles.Admins.Order(StringComparer.Ordinal).ToList());
}
