using Orleans.Storage;
using Orleans.Streams;
using Seqline.Hosting;
using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>
/// The fan-out loop: one at a time per conversation, it tells new and departed members, then
/// delivers the outbox in seq order, then the recalls. Every step is idempotent at the inboxes,
/// so a failed step is simply tried again, and what a crash interrupts the next activation redoes.
/// </summary>
public sealed partial class ConversationGrain
{
    private bool HasFanoutWork => _untold.Count > 0 || _outbox.Count > 0 || _state.State.PendingRecalls.Any(IsRecallDue);

    private void StartFanout()
    {
        if (!_fanningOut && HasFanoutWork) _ = FanOut();
    }

    // Membership notices go first when they are due (see DueNotices), so that a new member's inbox
    // knows where their messages start before any of them arrives.
    private async Task FanOut()
    {
        _fanningOut = true;
        try
        {
            for (var attempt = 0; HasFanoutWork;)
            {
                try
                {
                    var due = DueNotices();
                    if (due.Count > 0)
                    {
                        await DeliverNotices(due);
                    }
                    else
                    {
                        // Everything that can be told now has been tried.
                        ReleaseNoticeWaiters();
                        if (_outbox.Count > 0) await DeliverNextBatch();
                        else await DeliverRecalls(RecallsToDeliver());
                    }
                    attempt = 0;
                }
                catch (InconsistentStateException error)
                {
                    // Another activation wrote our state: it owns the conversation now.
                    LogFanoutFailed(error, Id, attempt);
                    DeactivateOnIdle();
                    return;
                }
                catch (Exception error)
                {
                    LogFanoutFailed(error, Id, ++attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * (1 << Math.Min(attempt, 9)))), _clock);
                }
            }
        }
        finally
        {
            ReleaseNoticeWaiters();
            _fanningOut = false;
        }
    }

    // One run of messages of the same fan-out mode. A switch travels to every member's inbox just
    // before the first message it applies to, so every device crosses it at the same point of its sync.
    // Users removed from seq S on are still members for what was sent before S: they get it, and
    // a batch stops short of S so that they get nothing after.
    private async Task DeliverNextBatch()
    {
        var first = _outbox[0].Seq;
        var mode = ModeAt(first);
        var stillIn = _untold.Values.Where(r => r.Status == MemberStatus.Leaving && r.Since > first).ToList();
        var cut = stillIn.Count > 0 ? stillIn.Min(r => r.Since) : long.MaxValue;
        var batch = _outbox.Take(_options.FanoutBatch).TakeWhile(m => ModeAt(m.Seq) == mode && m.Seq < cut).ToList();
        var recipients = _members.Concat(stillIn.Select(r => r.UserId)).ToList();
        var change = _state.State.FanoutChanges.LastOrDefault(c => c.Since == first && c.Since > 1);
        await _gate.BeforeFanoutAsync(Id, batch[0].Seq, batch[^1].Seq);
        if (mode == FanoutMode.Write || change is not null)
        {
            var delivery = new InboxDelivery(Ref, mode == FanoutMode.Write ? batch : [], change);
            await Task.WhenAll(recipients.Select(m => GrainFactory.GetGrain<IInboxGrain>(m).Deliver(delivery)));
        }
        if (mode == FanoutMode.Read)
        {
            await Publish(batch);
            await NotifyMentioned(batch);
            await NotifyWriters(batch);
        }
        _outbox.RemoveRange(0, batch.Count);
        _state.State.FannedOutThrough = batch[^1].Seq;
        ForgetDeliveredChanges();
        await WriteState();
    }

    // A recall travels after the message it recalls, so no inbox sees one before the other.
    private List<long> RecallsToDeliver() => _state.State.PendingRecalls.Where(IsRecallDue).ToList();

    private bool IsRecallDue(long seq) => seq <= _state.State.FannedOutThrough;

    private async Task DeliverRecalls(List<long> recalls)
    {
        var delivery = new InboxDelivery(Ref, [], null, recalls);
        await Task.WhenAll(_members.ToList().Select(m => GrainFactory.GetGrain<IInboxGrain>(m).Deliver(delivery)));
        _state.State.PendingRecalls.RemoveAll(recalls.Contains);
        await WriteState();
    }

    // The stream only feeds live pushes; members' syncs read the timeline, so a lost publish costs
    // latency, not messages.
    private async Task Publish(List<ChatMessage> batch)
    {
        try
        {
            await this.GetStreamProvider(_fanout.StreamProvider)
                .GetStream<ConversationMessages>(StreamId.Create(FanoutOptions.StreamNamespace, Id))
                .OnNextAsync(new ConversationMessages(Id, batch));
        }
        catch (Exception error)
        {
            LogPublishFailed(error, Id);
        }
    }

    // In read fan-out nobody's inbox sees the messages, so the mentioned members are told directly...
    private Task NotifyMentioned(List<ChatMessage> batch) => Task.WhenAll(batch
        .SelectMany(m => (m.Mentions ?? []).Select(user => (User: user, m.Seq)))
        .GroupBy(x => x.User)
        .Select(g => GrainFactory.GetGrain<IInboxGrain>(g.Key).Mentioned(Id, g.Select(x => x.Seq).ToList())));

    // ... and so are the senders, whose own messages count as read.
    private Task NotifyWriters(List<ChatMessage> batch) => Task.WhenAll(batch
        .GroupBy(m => m.SenderId)
        .Select(g => GrainFactory.GetGrain<IInboxGrain>(g.Key).Wrote(Id, g.Max(m => m.Seq))));

    private FanoutMode ModeAt(long seq) =>
        _state.State.FanoutChanges.LastOrDefault(c => c.Since <= seq)?.Mode ?? FanoutMode.Write;

    private void ForgetDeliveredChanges()
    {
        var changes = _state.State.FanoutChanges;
        while (changes.Count > 1 && changes[1].Since <= _state.State.FannedOutThrough) changes.RemoveAt(0);
    }
}
