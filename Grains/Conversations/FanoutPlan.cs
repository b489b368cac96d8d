namespace Seqline.Conversations;

/// <summary>
/// What a conversation's fan-out does next, decided from its state alone (no I/O), for the users
/// who keep step with it and, one by one, for those who fell behind. The rules:
/// <list type="bullet">
/// <item>A user's joins and removals reach their inbox in order. A join is told at once (the inbox
/// skips older messages); a removal from seq S once the inbox has everything before S.</item>
/// <item>A batch of messages is one run of one fan-out mode, and stops short of the next untold
/// removal of anyone in step, so nobody is sent anything from their removal on.</item>
/// <item>A recall goes out once its message has.</item>
/// <item>An inbox that fails a delivery falls behind: the others go on without it, and it is
/// caught up from the timeline on its own, then keeps step again.</item>
/// </list>
/// </summary>
public static class FanoutPlan
{
    /// <summary>The next step for everyone in step, fan-out having reached <paramref name="fannedOutThrough"/>.</summary>
    public static FanoutStep Next(long fannedOutThrough, long head, Membership membership, FanoutModes modes,
        IReadOnlyList<long> pendingRecalls, int batchSize, Func<string, bool> catchingUp)
    {
        var next = fannedOutThrough + 1;
        // Nobody unsettled (no untold change, nobody behind) is the usual case, and this runs for
        // every batch: it skips the queries, whose captures and iterators each allocate.
        var settled = membership.Unsettled.Count == 0;
        if (!settled)
        {
            var notices = membership.Unsettled
                .Where(r => !r.IsBehind && r.Untold.Count > 0 && IsDue(r.Untold[0], next))
                .Select(r => new Notice(r, r.Untold[0]))
                .ToList();
            if (notices.Count > 0) return new TellNotices(notices);

            var caughtUp = membership.Stragglers
                .Where(r => r.Behind >= fannedOutThrough && !catchingUp(r.UserId) && StragglerNext(r, fannedOutThrough, modes, batchSize) is CaughtUp)
                .ToList();
            if (caughtUp.Count > 0) return new Rejoin(caughtUp);
        }

        if (next <= head)
        {
            var cut = settled ? long.MaxValue : membership.Unsettled
                .Where(r => !r.IsBehind && r.Untold.Count > 0)
                .Select(r => r.Untold[0].Since)
                .Where(since => since > next)
                .DefaultIfEmpty(long.MaxValue)
                .Min();
            var through = Math.Min(Math.Min(head, fannedOutThrough + batchSize), Math.Min(cut, modes.NextSwitchAfter(next)) - 1);
            return new DeliverBatch(next, through, modes.At(next), modes.SwitchAt(next), membership.InStepMembersAt(next).ToList());
        }

        if (pendingRecalls.Count == 0) return new Idle();
        var recalls = pendingRecalls.Where(seq => seq <= fannedOutThrough).ToList();
        if (recalls.Count > 0) return new DeliverRecalls(recalls);
        return new Idle();
    }

    /// <summary>The next step for one user who fell behind, fan-out having reached <paramref name="fannedOutThrough"/>.</summary>
    public static FanoutStep StragglerNext(MemberRow row, long fannedOutThrough, FanoutModes modes, int batchSize)
    {
        var behind = row.Behind ?? fannedOutThrough;
        var next = behind + 1;
        if (row.Untold.Count > 0 && IsDue(row.Untold[0], next)) return new TellNotices([new Notice(row, row.Untold[0])]);
        if (next <= fannedOutThrough && row.IsMemberAt(next))
        {
            var cut = row.Untold.Count > 0 ? row.Untold[0].Since : long.MaxValue;
            var through = Math.Min(Math.Min(fannedOutThrough, behind + batchSize), Math.Min(cut, modes.NextSwitchAfter(next)) - 1);
            return new DeliverBatch(next, through, modes.At(next), modes.SwitchAt(next), [row.UserId]);
        }
        if (next <= fannedOutThrough)
        {
            // Not a member for these seqs: skip to the next change (a join), or to where fan-out is.
            var resume = row.Untold.Count > 0 ? Math.Min(row.Untold[0].Since - 1, fannedOutThrough) : fannedOutThrough;
            return new SkipTo(resume);
        }
        if (row.Recalls.Count > 0) return new DeliverRecalls(row.Recalls);
        return new CaughtUp();
    }

    /// <summary>How long a loop waits before its <paramref name="attempt"/>th retry: from 100 ms, doubling, up to <paramref name="max"/>.</summary>
    public static TimeSpan RetryDelay(int attempt, TimeSpan max) =>
        TimeSpan.FromMilliseconds(Math.Min(max.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt - 1, 16))));

    private static bool IsDue(MembershipTransition change, long next) => change.Joins || change.Since <= next;
}

/// <summary>One step of a conversation's fan-out.</summary>
public abstract record FanoutStep;

/// <summary>Tell these users' inboxes of their oldest untold join or removal.</summary>
public sealed record TellNotices(IReadOnlyList<Notice> Notices) : FanoutStep;

public sealed record Notice(MemberRow Row, MembershipTransition Change);

/// <summary>Deliver (or, in read fan-out, publish) the messages from <c>From</c> through <c>Through</c>.</summary>
public sealed record DeliverBatch(long From, long Through, FanoutMode Mode, FanoutChange? Switch, IReadOnlyList<string> Recipients) : FanoutStep;

/// <summary>Tell these recalls.</summary>
public sealed record DeliverRecalls(IReadOnlyList<long> Seqs) : FanoutStep;

/// <summary>These users caught up and keep step again.</summary>
public sealed record Rejoin(IReadOnlyList<MemberRow> Rows) : FanoutStep;

/// <summary>A user behind who is owed nothing up to <c>Through</c> moves there.</summary>
public sealed record SkipTo(long Through) : FanoutStep;

/// <summary>A user behind has everything.</summary>
public sealed record CaughtUp : FanoutStep;

/// <summary>Nothing to do.</summary>
public sealed record Idle : FanoutStep;
