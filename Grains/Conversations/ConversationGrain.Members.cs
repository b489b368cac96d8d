using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>
/// Membership. A change is durable before anyone is told: the notices to the members' inboxes are
/// saved with it and delivered by the fan-out loop, which the recovery reminder restarts after a
/// crash, so an inbox cannot miss that its user joined or left.
/// </summary>
public sealed partial class ConversationGrain
{
    // How long a membership change waits for its notices to be tried before it answers anyway.
    private static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(5);

    private TaskCompletionSource? _noticesTried;

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

        if (Exists)
        {
            if (request.Kind == ConversationKind.Direct && _state.State.Kind == ConversationKind.Direct) return View();
            throw new SeqlineException(ErrorCode.Conflict, $"Conversation '{Id}' exists already.");
        }

        _state.State = new ConversationState
        {
            Kind = request.Kind,
            Title = request.Title,
            Members = new HashSet<string>(members, StringComparer.Ordinal),
            CreatedAt = _clock.GetUtcNow(),
            CreatedBy = request.CreatorId,
            FanoutChanges = [new FanoutChange(1, members.Count > _fanout.ReadFanoutAbove ? FanoutMode.Read : FanoutMode.Write)],
        };
        await Notify(members.Select(m => new MembershipNotice(m, Joined: true, NextSeq: 1)).ToList());
        return View();
    }

    public async Task<ConversationView> ChangeMembers(MembershipChange change)
    {
        RequireMember(change.ActorId);
        if (_state.State.Kind == ConversationKind.Direct) throw SeqlineException.Invalid("The members of a direct conversation cannot change.");
        foreach (var id in change.Add.Concat(change.Remove)) Identifiers.RequireId(id, "member");

        var members = new HashSet<string>(_state.State.Members, StringComparer.Ordinal);
        var added = change.Add.Where(members.Add).ToList();
        var removed = change.Remove.Where(members.Remove).ToList();
        if (members.Count > _limits.MaxMembers) throw SeqlineException.TooLarge($"A conversation has at most {_limits.MaxMembers} members.");
        if (added.Count == 0 && removed.Count == 0) return View();

        _state.State.Members = members;
        SwitchFanoutFor(members.Count);
        var nextSeq = _assignedThrough + 1;
        await Notify(added.Select(m => new MembershipNotice(m, Joined: true, nextSeq))
            .Concat(removed.Select(m => new MembershipNotice(m, Joined: false, nextSeq))).ToList());
        return View();
    }

    // Hysteresis: switch to read above one threshold, back to write only at or below a lower one.
    private void SwitchFanoutFor(int members)
    {
        var desired = Mode switch
        {
            FanoutMode.Write when members > _fanout.ReadFanoutAbove => FanoutMode.Read,
            FanoutMode.Read when members <= _fanout.WriteFanoutAtOrBelow => FanoutMode.Write,
            var same => same,
        };
        if (desired == Mode) return;
        var changes = _state.State.FanoutChanges;
        var since = _assignedThrough + 1;
        // Two switches before the next message cancel out.
        if (changes is [.., var last] && last.Since == since) changes.RemoveAt(changes.Count - 1);
        if (Mode != desired) changes.Add(new FanoutChange(since, desired));
    }

    // Saves the change with its notices, then gives the fan-out loop a moment to tell the inboxes,
    // so that the caller usually finds the members' conversation lists up to date.
    private async Task Notify(List<MembershipNotice> notices)
    {
        var users = notices.Select(n => n.UserId).ToHashSet(StringComparer.Ordinal);
        // The newest notice for a user supersedes one not yet delivered.
        _state.State.PendingNotices.RemoveAll(n => users.Contains(n.UserId));
        _state.State.PendingNotices.AddRange(notices);
        await EnsureRecoveryReminder();
        try
        {
            await WriteState();
        }
        catch
        {
            // The change is in memory but maybe not on disk: start again from what is.
            DeactivateOnIdle();
            throw;
        }

        var tried = _noticesTried ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StartFanout();
        try
        {
            await tried.Task.WaitAsync(NoticeWait);
        }
        catch (TimeoutException)
        {
            // Durable already: the loop keeps trying, and the caller need not wait for it.
        }
    }

    private async Task DeliverNotices()
    {
        // Changes made while this round is under way wait for the next one.
        var round = _noticesTried;
        _noticesTried = null;
        var notices = _state.State.PendingNotices.ToList();
        try
        {
            await _gate.BeforeNoticesAsync(Id, notices.Select(n => n.UserId).ToList());
            await Task.WhenAll(notices.Select(n => n.Joined
                ? GrainFactory.GetGrain<IInboxGrain>(n.UserId).Join(RefAt(n.NextSeq))
                : GrainFactory.GetGrain<IInboxGrain>(n.UserId).Leave(Id)));
            _state.State.PendingNotices.RemoveAll(notices.Contains);
            await WriteState();
        }
        finally
        {
            round?.TrySetResult();
        }
    }

    private ConversationRef RefAt(long nextSeq) => new(Id, _state.State.Kind, _state.State.Title, ModeAt(nextSeq), nextSeq);
}
