using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Push;
using Seqline.Timelines;

namespace Seqline.Inboxes;

/// <summary>
/// A user's inbox. Every change is first an event appended to the user's sync timeline, then
/// applied to the conversation index; devices pull the same events from their own cursors, so the
/// server keeps nothing per device. Not reentrant: deliveries, read markers and pulls take turns.
/// Edge nodes with a device of the user connected register an observer and get each new batch of
/// events as a push carrying the cursors before and after it.
/// </summary>
public sealed class InboxGrain(
    [PersistentState("inbox", SeqlineStorage.GrainStateName)] IPersistentState<InboxState> state,
    [FromKeyedServices(TimelineStoreNames.Inboxes)] ITimelineStore timeline,
    SyncCursorCodec cursors,
    IOptions<SeqlineLimits> limits,
    IOptions<PushOptions> push,
    TimeProvider clock,
    ILogger<InboxGrain> logger) : Grain, IInboxGrain
{
    private const int PreviewLength = 100;
    private readonly ObserverManager<IInboxObserver> _observers = new(push.Value.ObserverExpiry, logger);
    private long _trimmedThrough;

    private string UserId => this.GetPrimaryKeyString();
    private InboxState Index => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var head = await timeline.GetHeadAsync(UserId, cancellationToken);
        _trimmedThrough = head.TrimmedThrough;
        if (Index.Epoch == 0)
        {
            // A new (or wiped) inbox starts an epoch; cursors of any earlier one will reset.
            Index.Epoch = Random.Shared.NextInt64(1, long.MaxValue);
            Index.Head = Math.Min(Index.Head, head.TrimmedThrough);
        }
        else if (head.LastSeq == Index.Head)
        {
            return;
        }

        // The timeline got ahead of the last checkpoint (a crash between append and state write).
        for (var after = Math.Max(Index.Head, head.TrimmedThrough); after < head.LastSeq;)
        {
            var entries = await timeline.ReadAfterAsync(UserId, after, 1000, cancellationToken);
            foreach (var entry in entries) Apply(MessageCodec.ToEvent(entry));
            after = entries[^1].Seq;
        }
        Index.Head = head.LastSeq;
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task<SyncPage> Sync(string? cursor, int limit)
    {
        limits.Value.RequirePageSize(limit);
        if (string.IsNullOrEmpty(cursor)) return Reset();

        var from = cursors.Decode(cursor);
        if (from.UserId != UserId) throw SeqlineException.Forbidden("The sync cursor belongs to another user.");
        if (from.Epoch != Index.Epoch || from.Position < _trimmedThrough) return Reset();
        if (from.Position > Index.Head) throw SeqlineException.Invalid("The sync cursor is ahead of the inbox.");

        IReadOnlyList<TimelineEntry> entries;
        try
        {
            entries = from.Position == Index.Head ? [] : await timeline.ReadAfterAsync(UserId, from.Position, limit);
        }
        catch (TimelineTrimmedException)
        {
            return Reset();
        }
        var position = entries.Count > 0 ? entries[^1].Seq : from.Position;
        return new SyncPage(false, entries.Select(MessageCodec.ToEvent).ToList(), CursorAt(position), position < Index.Head, null);
    }

    public Task<IReadOnlyList<ConversationSummary>> GetConversations() => Task.FromResult(Snapshot());

    public async Task<ConversationSummary> MarkRead(string conversationId, long seq)
    {
        if (seq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        if (!Index.Conversations.TryGetValue(conversationId, out var entry))
            throw SeqlineException.Forbidden($"'{UserId}' is not a member of '{conversationId}'.");

        var target = Math.Min(seq, entry.LastSeq);
        if (target > entry.ReadSeq) await Append([new SyncEvent(SyncEventTypes.Read, conversationId, target)]);
        return Summary(conversationId, entry);
    }

    public async Task Deliver(InboxDelivery delivery)
    {
        var entry = Track(delivery.Conversation);
        var fresh = delivery.Messages.Where(m => m.Seq > entry.LastSeq).Select(SyncEvent.For).ToList();
        if (fresh.Count > 0) await Append(fresh);
    }

    public async Task Join(ConversationRef conversation)
    {
        Track(conversation);
        await state.WriteStateAsync();
    }

    public async Task Leave(string conversationId)
    {
        if (Index.Conversations.Remove(conversationId)) await state.WriteStateAsync();
    }

    public Task<string> Subscribe(IInboxObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.FromResult(CursorAt(Index.Head));
    }

    public Task Unsubscribe(IInboxObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private ConversationIndexEntry Track(ConversationRef conversation)
    {
        if (!Index.Conversations.TryGetValue(conversation.ConversationId, out var entry))
        {
            Index.Conversations[conversation.ConversationId] = entry = new ConversationIndexEntry { LastActivity = clock.GetUtcNow() };
        }
        entry.Title = conversation.Title;
        entry.Kind = conversation.Kind;
        entry.Fanout = conversation.Fanout;
        return entry;
    }

    // The sync timeline first, then the index: the timeline is the truth the index is rebuilt from.
    private async Task Append(IReadOnlyList<SyncEvent> events)
    {
        var at = clock.GetUtcNow();
        var entries = events.Select((e, i) => MessageCodec.ToEntry(Index.Head + 1 + i, at, e)).ToList();
        try
        {
            await timeline.AppendAsync(UserId, entries);
        }
        catch (TimelineConflictException)
        {
            // Someone else appended to this inbox: this activation is stale.
            DeactivateOnIdle();
            throw new SeqlineException(ErrorCode.Unavailable, "The inbox is restarting; retry.");
        }
        foreach (var e in events) Apply(e);
        var before = Index.Head;
        Index.Head += entries.Count;
        await state.WriteStateAsync();

        if (_observers.Count > 0)
        {
            var batch = new InboxPush(UserId, events, CursorAt(before), CursorAt(Index.Head));
            await _observers.Notify(o => o.OnPush(batch));
        }
    }

    private void Apply(SyncEvent e)
    {
        if (!Index.Conversations.TryGetValue(e.ConversationId, out var entry))
        {
            Index.Conversations[e.ConversationId] = entry = new ConversationIndexEntry();
        }
        switch (e.Type)
        {
            case SyncEventTypes.Message:
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq);
                entry.LastMessage = new MessagePreview(e.Seq, e.SenderId!, e.SentAt!.Value, Preview(e.Body!));
                entry.LastActivity = e.SentAt.Value;
                // Writing a message means having read up to it.
                if (e.SenderId == UserId) entry.ReadSeq = Math.Max(entry.ReadSeq, e.Seq);
                break;
            case SyncEventTypes.Read:
                entry.ReadSeq = Math.Max(entry.ReadSeq, e.Seq);
                break;
        }
    }

    private SyncPage Reset() => new(true, [], CursorAt(Index.Head), false, Snapshot());

    private string CursorAt(long position) => cursors.Encode(new SyncCursor(UserId, Index.Epoch, position));

    private IReadOnlyList<ConversationSummary> Snapshot() => Index.Conversations
        .OrderByDescending(c => c.Value.LastActivity)
        .ThenBy(c => c.Key, StringComparer.Ordinal)
        .Select(c => Summary(c.Key, c.Value))
        .ToList();

    private static ConversationSummary Summary(string conversationId, ConversationIndexEntry e) =>
        new(conversationId, e.Title, e.Kind, e.Fanout, e.LastSeq, e.ReadSeq, Math.Max(0, e.LastSeq - e.ReadSeq), e.LastMessage);

    private static string Preview(string body) => body.Length <= PreviewLength ? body : body[..PreviewLength];
}
