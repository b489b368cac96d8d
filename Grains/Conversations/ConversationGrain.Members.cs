using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>
/// Membership. The members are rows of the members row store, read into memory on activation, so
/// the grain state stays small however large the group. A change is stored before anyone is told:
/// each row it touches is written as <see cref="MemberStatus.Joining"/> or
/// <see cref="MemberStatus.Leaving"/>, and the fan-out loop tells those users' inboxes, then marks
/// the rows told. The recovery reminder restarts the loop after a crash, so an inbox cannot miss
/// that its user joined or left.
/// </summary>
public sealed partial class ConversationGrain
{
    // How long a membership change waits for its inboxes to be told before it answers anyway.
    private static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _membershipWrite = new(1, 1);
    private TaskCompletionSource? _membershipChanging;
    private HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberRow> _untold = new(StringComparer.Ordinal);
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

        await EnsureRecoveryReminder();
        // Rows left by a create that failed before its state was written are not members.
        var strays = _members.Concat(_untold.Keys).Except(members, StringComparer.Ordinal).ToList();
        await StoreMembers(members.Select(m => new MemberRow(m, MemberStatus.Joining, 1)).ToList(), strays);
        _state.State = new ConversationState
        {
            Kind = request.Kind,
            Title = request.Title,
            CreatedAt = _clock.GetUtcNow(),
            CreatedBy = request.CreatorId,
            FanoutChanges = [new FanoutChange(1, members.Count > _fanout.ReadFanoutAbove ? FanoutMode.Read : FanoutMode.Write)],
        };
        await WriteStateOrRestart();
        await TellInboxes();
        return View();
    }

    public async Task<ConversationView> ChangeMembers(MembershipChange change)
    {
        RequireMember(change.ActorId);
        if (_state.State.Kind == ConversationKind.Direct) throw SeqlineException.Invalid("The members of a direct conversation cannot change.");
        foreach (var id in change.Add.Concat(change.Remove)) Identifiers.RequireId(id, "member");

        var members = new HashSet<string>(_members, StringComparer.Ordinal);
        var added = change.Add.Where(members.Add).ToList();
        var removed = change.Remove.Where(members.Remove).ToList();
        if (members.Count > _limits.MaxMembers) throw SeqlineException.TooLarge($"A conversation has at most {_limits.MaxMembers} members.");
        // Removal wins for a user in both lists, as it did in the set above; someone who was not a
        // member before and is not one after is left alone.
        var joining = added.Except(removed, StringComparer.Ordinal).ToList();
        var leaving = removed.Where(_members.Contains).ToList();
        if (joining.Count == 0 && leaving.Count == 0) return View();

        // Sends commit no seq while the change is stored (CommitQueued waits), so every message from
        // nextSeq on is for the new members; a send committing already took its seq before nextSeq.
        var changing = _membershipChanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var nextSeq = _assignedThrough + 1;
            await EnsureRecoveryReminder();
            await StoreMembers(
                joining.Select(m => new MemberRow(m, MemberStatus.Joining, nextSeq))
                    .Concat(leaving.Select(m => new MemberRow(m, MemberStatus.Leaving, nextSeq))).ToList(),
                []);
            if (SwitchFanoutFor(_members.Count)) await WriteStateOrRestart();
        }
        finally
        {
            _membershipChanging = null;
            changing.SetResult();
        }
        await TellInboxes();
        return View();
    }

    // Hysteresis: switch to read above one threshold, back to write only at or below a lower one.
    private bool SwitchFanoutFor(int members)
    {
        var desired = Mode switch
        {
            FanoutMode.Write when members > _fanout.ReadFanoutAbove => FanoutMode.Read,
            FanoutMode.Read when members <= _fanout.WriteFanoutAtOrBelow => FanoutMode.Write,
            var same => same,
        };
        if (desired == Mode) return false;
        var changes = _state.State.FanoutChanges;
        var since = _assignedThrough + 1;
        // Two switches before the next message cancel out.
        if (changes is [.., var last] && last.Since == since) changes.RemoveAt(changes.Count - 1);
        if (Mode != desired) changes.Add(new FanoutChange(since, desired));
        return true;
    }

    private async Task LoadMembers(CancellationToken cancellationToken)
    {
        foreach (var row in await _membership.ReadAsync(Id, cancellationToken)) Remember(MemberRow.From(row));
        if (_state.State.Members.Count > 0)
        {
            // An earlier version kept the members in grain state, and had told their inboxes.
            await StoreMembers(_state.State.Members.Select(m => new MemberRow(m, MemberStatus.Member)).ToList(), []);
            _state.State.Members.Clear();
            await WriteState();
        }
        // A crash between the rows and the state of a change can leave the mode behind the count.
        if (Exists && SwitchFanoutFor(_members.Count)) await WriteState();
    }

    // One writer at a time, and memory follows only what is stored: the fan-out loop marking rows
    // told must not overwrite a newer change for the same user.
    private async Task StoreMembers(IReadOnlyCollection<MemberRow> write, IReadOnlyCollection<string> delete)
    {
        await _membershipWrite.WaitAsync();
        try
        {
            await _membership.ChangeAsync(Id, write.Select(r => r.ToRow()).ToList(), delete);
            foreach (var user in delete)
            {
                _members.Remove(user);
                _untold.Remove(user);
            }
            foreach (var row in write) Remember(row);
        }
        catch (Exception error)
        {
            // Part of a large change may have landed: a new activation reads the rows back.
            LogMembershipFailed(error, Id);
            DeactivateOnIdle();
            throw new SeqlineException(ErrorCode.Unavailable, "The membership change could not be stored; retry it.");
        }
        finally
        {
            _membershipWrite.Release();
        }
    }

    private void Remember(MemberRow row)
    {
        if (row.Status == MemberStatus.Leaving) _members.Remove(row.UserId);
        else _members.Add(row.UserId);
        if (row.Status == MemberStatus.Member) _untold.Remove(row.UserId);
        else _untold[row.UserId] = row;
    }

    private async Task WriteStateOrRestart()
    {
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
    }

    // Gives the fan-out loop a moment to tell the inboxes, so that the caller usually finds the
    // members' conversation lists up to date; the change is stored either way.
    private async Task TellInboxes()
    {
        var tried = _noticesTried ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StartFanout();
        try
        {
            await tried.Task.WaitAsync(NoticeWait);
        }
        catch (TimeoutException)
        {
        }
    }

    // A join is due at once (its inbox skips what precedes it); a removal from seq S once every
    // message before S has been delivered, the removed user included.
    private List<MemberRow> DueNotices() => _untold.Values
        .Where(r => r.Status == MemberStatus.Joining || _outbox.Count == 0 || _outbox[0].Seq >= r.Since)
        .ToList();

    private void ReleaseNoticeWaiters()
    {
        _noticesTried?.TrySetResult();
        _noticesTried = null;
    }

    private async Task DeliverNotices(List<MemberRow> notices)
    {
        // Changes made while this round is under way wait for the next one.
        var round = _noticesTried;
        _noticesTried = null;
        try
        {
            await _gate.BeforeNoticesAsync(Id, notices.Select(n => n.UserId).ToList());
            await Task.WhenAll(notices.Select(n => n.Status == MemberStatus.Joining
                ? GrainFactory.GetGrain<IInboxGrain>(n.UserId).Join(RefAt(n.Since))
                : GrainFactory.GetGrain<IInboxGrain>(n.UserId).Leave(Id, n.Since - 1)));
            // Only what is still the latest change for its user is marked told.
            var told = notices.Where(n => _untold.GetValueOrDefault(n.UserId) == n).ToList();
            await StoreMembers(
                told.Where(n => n.Status == MemberStatus.Joining).Select(n => n with { Status = MemberStatus.Member, Since = 0 }).ToList(),
                told.Where(n => n.Status == MemberStatus.Leaving).Select(n => n.UserId).ToList());
        }
        finally
        {
            round?.TrySetResult();
        }
    }

    private ConversationRef RefAt(long nextSeq) => new(Id, _state.State.Kind, _state.State.Title, ModeAt(nextSeq), nextSeq);
}
