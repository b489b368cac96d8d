using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;

namespace Seqline.Receipts;

/// <summary>
/// A conversation's receipts (<see cref="IConversationReceipts"/>): a shell over
/// <see cref="ReceiptBook"/>. Members' inboxes and edge nodes tell it their moves (one one-way call
/// each). It tells the other members' inboxes at most once per <see cref="ReceiptOptions.Interval"/>,
/// one one-way call per member told; in a group only members whose messages the moves passed, as
/// the conversation says from memory. The membership is read from the conversation, which
/// interleaves and touches no store, at most once per <see cref="MembershipKeptFor"/>. The inboxes
/// hand the notice only to edge nodes where the member has a device connected, as typing goes.
/// While moves keep coming the pace grows up to <see cref="ReceiptOptions.BusyInterval"/>.
/// Positions are saved at most once per <see cref="ReceiptOptions.SaveInterval"/>, never per move.
/// </summary>
public sealed partial class ConversationReceiptsGrain(
    [PersistentState("receipts", SeqlineStorage.GrainStateName)] IPersistentState<ReceiptsState> state,
    IOptions<ReceiptOptions> options,
    [FromKeyedServices(RetentionOptions.Clock)] TimeProvider clock,
    ILogger<ConversationReceiptsGrain> logger) : Grain, IConversationReceipts
{
    /// <summary>How long a notice trusts the membership it last read, unless a member it does not list moves.</summary>
    public static readonly TimeSpan MembershipKeptFor = TimeSpan.FromSeconds(10);

    private ReceiptBook _book = null!;
    private IGrainTimer? _notice;
    private KnownMembers? _membership;

    // Orleans decodes the key into a new string on every GetPrimaryKeyString: read once per activation.
    private string ConversationId => _conversationId ??= this.GetPrimaryKeyString();
    private string? _conversationId;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _book = new ReceiptBook(options.Value.Interval, options.Value.BusyInterval);
        _book.Load(state.State.Members);
        // Spread: the receipts of conversations that start together do not save together.
        this.RegisterGrainTimer(SaveIfChanged, SpreadTimers.Every(options.Value.SaveInterval));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => SaveIfChanged(cancellationToken);

    public Task Moved(ReceiptMove move)
    {
        if (_book.Move(move) && _notice is null) ScheduleNotice();
        return Task.CompletedTask;
    }

    public async Task Delivered(IReadOnlyList<MemberDelivered> members)
    {
        if (await KnownMembership(members.Select(m => m.UserId)) is not { } known || Unavailable(known.View) is not null) return;
        var moved = false;
        foreach (var (userId, seq) in members)
        {
            if (!known.Members.Contains(userId)) continue;
            var before = _book.Of(userId);
            // A member this book has not heard of yet: whether they share read receipts is their inbox's to say.
            var hideRead = before?.HideRead ?? (await GrainFactory.Reference<IInboxPresence>(userId).GetSettings()).HideReadReceipts;
            moved |= _book.Move(new ReceiptMove(userId, before?.Read ?? 0, seq, hideRead));
        }
        if (moved && _notice is null) ScheduleNotice();
    }

    // A notice due (at once after a quiet interval) or under way: moves meanwhile join the next one.
    // The notice goes in a timer's turn, so it never overlaps another, whatever interleaves with Moved.
    private void ScheduleNotice() =>
        _notice = this.RegisterGrainTimer(Tell, new GrainTimerCreationOptions(_book.WaitBeforeNotice(clock.GetUtcNow()), Timeout.InfiniteTimeSpan));

    public async Task<ReceiptsView> Get(string viewerId, bool viewerHidesRead)
    {
        var conversation = await GrainFactory.Reference<IConversationGrain>(ConversationId).Get(viewerId);
        return Unavailable(conversation) is { } reason
            ? new ReceiptsView(ConversationId, false, [], reason)
            : new ReceiptsView(ConversationId, true, _book.View(viewerId, viewerHidesRead, conversation.Members));
    }

    private string? Unavailable(ConversationView conversation) =>
        conversation.Fanout == FanoutMode.Read ? ReceiptsUnavailable.ReadFanout
        : conversation.Kind == ConversationKind.Group && conversation.Members.Count > options.Value.MaxGroupSize ? ReceiptsUnavailable.TooLarge
        : null;

    // One notice per member with the moves since the last one.
    private async Task Tell(CancellationToken cancellationToken)
    {
        _notice?.Dispose();
        try
        {
            var conversation = (await KnownMembership([]))?.View;
            if (conversation is null || Unavailable(conversation) is not null)
            {
                // Nobody is told, and nothing is kept that would grow with a large group.
                _book.Clear();
                return;
            }
            var moved = _book.TakeMoves(clock.GetUtcNow(), conversation.Members);
            if (moved.Count == 0) return;
            var sent = conversation.Kind == ConversationKind.Group ? await SentOver(moved) : null;
            foreach (var member in conversation.Members)
                if (_book.NoticeFor(ConversationId, member, moved, sent) is { } notice)
                    await GrainFactory.Reference<IInboxReceipts>(member).Receipts(notice);
        }
        finally
        {
            _notice = null;
            if (_book.HasMoves) ScheduleNotice();
        }
    }

    // Whose messages the moves passed, so that in a group only their senders are told (in a direct
    // conversation the one other member is the only one there is to tell). Not known: everyone is.
    private async Task<ILookup<string, long>?> SentOver(IReadOnlyList<MemberMoved> moved)
    {
        var (after, upTo) = ReceiptBook.Span(moved);
        try
        {
            var sent = await GrainFactory.Reference<IConversationSenders>(ConversationId).SentBetween(after, upTo);
            return sent?.ToLookup(s => s.SenderId, s => s.Seq, StringComparer.Ordinal);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogSendersUnknown(logger, error, ConversationId);
            return null;
        }
    }

    // A busy conversation sends a notice every interval: reading its membership for each would cost
    // its conversation grain, the busiest grain there is, a call per notice. The membership read last
    // serves for a while, and at once no longer when a member it does not list moves (someone who
    // joined). Someone who left may still be listed for that while: their own inbox drops notices of
    // conversations they are not in, and edge nodes stop taking their acknowledgements.
    private async Task<KnownMembers?> KnownMembership(IEnumerable<string> moving)
    {
        var now = clock.GetUtcNow();
        var movers = moving.ToList();
        if (_membership is { } known && now - known.ReadAt < MembershipKeptFor && _book.MovedAreAmong(known.Members) && movers.All(known.Members.Contains))
            return known;
        var conversation = await Membership(movers);
        return _membership = conversation is null ? null : new KnownMembers(conversation, conversation.Members.ToHashSet(StringComparer.Ordinal), now);
    }

    private sealed record KnownMembers(ConversationView View, HashSet<string> Members, DateTimeOffset ReadAt);

    // The membership as seen by a member who just moved (a member who left since is refused; the next is asked).
    private async Task<ConversationView?> Membership(IEnumerable<string> movers)
    {
        var conversation = GrainFactory.Reference<IConversationGrain>(ConversationId);
        foreach (var id in movers.Concat(_book.Known).Distinct(StringComparer.Ordinal).ToList())
        {
            try
            {
                return await conversation.Get(id);
            }
            catch (SeqlineException refused) when (refused.Code is ErrorCode.Forbidden or ErrorCode.NotFound)
            {
            }
        }
        return null;
    }

    private async Task SaveIfChanged(CancellationToken cancellationToken)
    {
        if (!_book.Unsaved) return;
        try
        {
            state.State.Members = _book.Snapshot();
            await state.WriteStateAsync(cancellationToken);
            _book.Saved();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Only late: the next period tries again, and members' next moves restore what a crash loses.
            LogSaveFailed(logger, error, ConversationId);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Asking who sent the messages of {ConversationId} failed; its receipts notice goes to every member")]
    private static partial void LogSendersUnknown(ILogger logger, Exception error, string conversationId);

    [LoggerMessage(LogLevel.Warning, "Saving the receipts of {ConversationId} failed; the next period tries again")]
    private static partial void LogSaveFailed(ILogger logger, Exception error, string conversationId);
}
