using Microsoft.Extensions.Logging;
using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// The catch-up of inboxes that fell behind a conversation's fan-out: a loop per inbox (at most
/// <c>MaxCatchingUp</c> at once), each bringing it to where the main loop stands, step by step from
/// the timeline as <see cref="FanoutPlan.StragglerNext"/> decides, with a backoff of its own. It
/// owns the set of inboxes being caught up; the main loop takes one back into step once it is
/// caught up and its loop has ended. What a step moves in the user's row is <see cref="FanoutRows"/>.
/// </summary>
internal sealed class StragglerCatchUp(
    ConversationFanout fanout,
    ConversationStore store,
    FanoutCalls calls,
    ConversationOptions options,
    ILogger logger)
{
    private readonly Dictionary<string, Task> _catchingUp = new(StringComparer.Ordinal);

    public bool IsCatchingUp(string userId) => _catchingUp.ContainsKey(userId);

    /// <summary>The loops under way.</summary>
    public IEnumerable<Task> Running => _catchingUp.Values;

    /// <summary>Starts a loop for each inbox behind that has none, up to the limit.</summary>
    public void Start()
    {
        foreach (var row in store.Membership.Stragglers.ToList())
        {
            if (_catchingUp.Count >= options.MaxCatchingUp) return;
            if (_catchingUp.ContainsKey(row.UserId)) continue;
            var catchingUp = CatchUp(row.UserId);
            // One that had nothing to do has finished (and forgotten itself) already.
            if (!catchingUp.IsCompleted) _catchingUp[row.UserId] = catchingUp;
        }
    }

    private async Task CatchUp(string userId)
    {
        try
        {
            for (var attempt = 0; !fanout.Stopped;)
            {
                if (store.Membership.RowOf(userId) is not { IsBehind: true } row) return;
                var step = FanoutPlan.StragglerNext(row, fanout.FannedOutThrough, store.Modes, options.FanoutBatch);
                logger.CatchUpStep(store.Id, userId, step);
                bool ok;
                try
                {
                    ok = step switch
                    {
                        TellNotices notices => await Tell(notices.Notices),
                        DeliverBatch batch => await Deliver(row, batch),
                        SkipTo skip => await Moved(userId, r => FanoutRows.Skipped(r, skip.Through)),
                        DeliverRecalls recalls => (await calls.Recall([userId], recalls.Seqs)).Count == 0
                            && await Moved(userId, r => FanoutRows.RecallsTold(r, recalls.Seqs)),
                        _ => false,
                    };
                    if (step is CaughtUp) return;
                }
                catch (Exception error) when (!fanout.Stopped)
                {
                    logger.FanoutFailed(error, store.Id, attempt + 1);
                    ok = false;
                }
                if (ok)
                {
                    attempt = 0;
                    continue;
                }
                if (!await fanout.Wait(FanoutPlan.RetryDelay(++attempt, options.FanoutRetryMaxDelay))) return;
            }
        }
        finally
        {
            _catchingUp.Remove(userId);
            if (!fanout.Stopped) fanout.Start();
        }
    }

    // The user's oldest untold change; while behind, a failure only leaves it behind.
    private async Task<bool> Tell(IReadOnlyList<Notice> notices)
    {
        var (told, failed) = await calls.Tell(notices);
        await store.UpdateRows(m => FanoutRows.Told(m, told).ToList());
        return failed.Count == 0;
    }

    private async Task<bool> Deliver(MemberRow row, DeliverBatch batch)
    {
        IReadOnlyList<ChatMessage> messages;
        try
        {
            messages = await fanout.Read(batch.From, batch.Through);
        }
        catch (TimelineTrimmedException trimmed)
        {
            // Expired before this inbox got them: nothing of them is left to deliver.
            return await Moved(row.UserId, r => FanoutRows.Expired(r, trimmed.TrimmedThrough, fanout.FannedOutThrough));
        }
        if ((await calls.Deliver(batch, messages, [row.UserId], publish: false)).Count > 0) return false;
        return await Moved(row.UserId, r => FanoutRows.Delivered(r, batch.Through));
    }

    private async Task<bool> Moved(string userId, Func<MemberRow, MemberRow> change)
    {
        await store.UpdateRows(m => m.RowOf(userId) is { } row ? [change(row)] : []);
        return true;
    }
}
