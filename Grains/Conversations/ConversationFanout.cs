using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Seqline.Diagnostics;
using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// The main fan-out loop of a conversation: it carries messages, membership notices and recalls to
/// the inboxes of everyone who keeps step, doing what <see cref="FanoutPlan.Next"/> decides, and
/// moves the watermark (<c>FannedOutThrough</c>) after each batch. It owns the loop, the
/// <see cref="Outbox"/> of messages not yet fanned out (with the trace each was sent in), the
/// waiters of a membership change, and the stop of every fan-out loop. A failed delivery never holds
/// the others up: its inbox is marked behind (in its row, before the watermark moves past it) and
/// <see cref="StragglerCatchUp"/> catches it up on its own. Every delivery is idempotent at the
/// inbox, so what a failure or a crash interrupts is simply done again.
/// </summary>
internal sealed class ConversationFanout
{
    private readonly ConversationStore _store;
    private readonly IConversationFanoutHost _host;
    private readonly FanoutCalls _calls;
    private readonly ConversationRecalls _recalls;
    private readonly ITimelineStore _timeline;
    private readonly ConversationOptions _options;
    private readonly SeqlineMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly StragglerCatchUp _stragglers;
    private readonly Outbox _outbox;
    // The trace each message held in memory was sent in, so its fan-out continues that trace.
    private readonly Dictionary<long, ActivityContext> _traces = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private TaskCompletionSource? _noticesTried;

    public ConversationFanout(ConversationStore store, IConversationFanoutHost host, FanoutCalls calls, ConversationRecalls recalls,
        ITimelineStore timeline, ConversationOptions options, SeqlineMetrics metrics, TimeProvider clock, ILogger logger)
    {
        (_store, _host, _calls, _recalls, _timeline, _options, _metrics, _clock, _logger) = (store, host, calls, recalls, timeline, options, metrics, clock, logger);
        _outbox = new Outbox(options.OutboxCapacity);
        _stragglers = new StragglerCatchUp(this, store, calls, options, logger);
    }

    /// <summary>The activation is broken or deactivating: no loop starts or goes on.</summary>
    public bool Stopped => _store.Broken || _stop.IsCancellationRequested;

    public long FannedOutThrough => _store.State.FannedOutThrough;

    /// <summary>Messages not yet fanned out, notices untold, recalls pending, or inboxes behind.</summary>
    public bool HasWork => _store.Exists && (FannedOutThrough < _host.Head || _store.Membership.Unsettled.Count > 0 || _store.State.PendingRecalls.Count > 0);

    /// <summary>Completes once the notices due now have been tried (told, or their inboxes marked behind).</summary>
    public Task NoticesTried()
    {
        var tried = _noticesTried ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Start();
        return tried.Task;
    }

    public void Appended(IReadOnlyList<ChatMessage> batch, IReadOnlyList<ActivityContext> traces)
    {
        _outbox.Add(batch, FannedOutThrough);
        for (var i = 0; i < batch.Count; i++)
            if (traces[i] != default && _outbox.Holds(batch[i].Seq)) _traces[batch[i].Seq] = traces[i];
        ReportLag();
        Start();
    }

    public void Recalled(ChatMessage tombstone)
    {
        _outbox.Replace(tombstone);
        Start();
    }

    public void Start()
    {
        if (_loop is null or { IsCompleted: true } && !Stopped && _store.Exists) _loop = Run();
    }

    /// <summary>
    /// Stops the loops and waits for what they have under way, so that nothing this activation
    /// started writes after the next activation has begun.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        var running = _stragglers.Running.Append(_loop ?? Task.CompletedTask).ToList();
        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
        catch (Exception)
        {
            // Each loop logs its own failures; stopping only waits for them to end.
        }
    }

    private async Task Run()
    {
        for (var attempt = 0; !Stopped;)
        {
            try
            {
                var step = FanoutPlan.Next(FannedOutThrough, _host.Head, _store.Membership, _store.Modes, _store.State.PendingRecalls,
                    _options.FanoutBatch, _stragglers.IsCatchingUp);
                _logger.Step(_store.Id, step);
                if (step is not TellNotices) ReleaseNoticeWaiters();
                switch (step)
                {
                    case TellNotices notices:
                        await Tell(notices.Notices);
                        ReleaseNoticeWaiters();
                        break;
                    case Rejoin rejoin:
                        await _store.UpdateRows(m => FanoutRows.Rejoined(m, rejoin.Rows).ToList());
                        break;
                    case DeliverBatch batch:
                        await DeliverToEveryone(batch);
                        break;
                    case DeliverRecalls recalls:
                        await _recalls.Deliver(recalls.Seqs);
                        break;
                    default:
                        _stragglers.Start();
                        return;
                }
                _stragglers.Start();
                ReportLag();
                attempt = 0;
            }
            catch (Exception error) when (!Stopped)
            {
                _logger.FanoutFailed(error, _store.Id, ++attempt);
                if (!await Wait(FanoutPlan.RetryDelay(attempt, _options.FanoutRetryMaxDelay))) return;
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    /// <summary>Waits out a retry's delay; false once the fan-out is stopping.</summary>
    public async Task<bool> Wait(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _clock, _stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void ReleaseNoticeWaiters()
    {
        _noticesTried?.TrySetResult();
        _noticesTried = null;
    }

    private void ReportLag()
    {
        _metrics.ReportFanoutLag(_store.Id, _host.Head, FannedOutThrough);
        _metrics.ReportInboxesBehind(_store.Id, _store.Membership.Stragglers.Count());
    }

    // Joins and removals, each to its own inbox; an inbox that fails falls behind, so that nothing
    // reaches it before the notice does.
    private async Task Tell(IReadOnlyList<Notice> notices)
    {
        var (told, failed) = await _calls.Tell(notices);
        if (failed.Count > 0) _logger.FellBehind(_store.Id, failed.Count);
        await _store.UpdateRows(m => FanoutRows.Told(m, told).Concat(FanoutRows.FallBehind(m, failed, FannedOutThrough)).ToList());
    }

    // One run of messages of one fan-out mode to everyone in step. A switch travels to the inboxes
    // just before the first message it applies to, so every device crosses it at the same point.
    private async Task DeliverToEveryone(DeliverBatch batch)
    {
        var messages = await Messages(batch.From, batch.Through);
        using var span = SeqlineActivities.StartFanout(_store.Id, batch.From, batch.Through,
            messages.Select(m => _traces.GetValueOrDefault(m.Seq)).ToList());
        var failed = await _calls.Deliver(batch, messages, batch.Recipients, publish: true);
        if (failed.Count > 0)
        {
            _logger.FellBehind(_store.Id, failed.Count);
            await _store.UpdateRows(m => FanoutRows.FallBehind(m, failed, FannedOutThrough).ToList());
        }
        _store.State.FannedOutThrough = batch.Through;
        // A switch is needed while any inbox may still be told something before it: a straggler's
        // catch-up, and a join or removal not told yet (a join carries the mode at its seq).
        _store.Modes.ForgetThrough(_store.Membership.Stragglers.Select(r => r.Behind!.Value)
            .Concat(_store.Membership.Unsettled.SelectMany(r => r.Untold.Select(t => t.Since - 1)))
            .Append(batch.Through).Min());
        await _store.WriteState();
        _outbox.DropThrough(batch.Through);
        foreach (var seq in _traces.Keys.Where(seq => seq <= batch.Through).ToList()) _traces.Remove(seq);
        ReportLag();
    }

    // The held messages, read back from the timeline when memory did not keep them.
    private async Task<IReadOnlyList<ChatMessage>> Messages(long from, long through)
    {
        if (_outbox.Holds(from) && _outbox.Holds(through)) return _outbox.Range(from, through);
        var room = _outbox.RoomFor(FannedOutThrough, _host.Head);
        if (room > 0 && _outbox.EndOr(FannedOutThrough) < through)
        {
            var entries = await _timeline.ReadAfterAsync(_store.Id, _outbox.EndOr(FannedOutThrough), room);
            _outbox.Add(entries.Select(e => MessageCodec.ToMessage(_store.Id, e)).ToList(), FannedOutThrough);
        }
        if (_outbox.Holds(from) && _outbox.Holds(through)) return _outbox.Range(from, through);
        return await Read(from, through);
    }

    /// <summary>The stored messages from <paramref name="from"/> through <paramref name="through"/>.</summary>
    public async Task<IReadOnlyList<ChatMessage>> Read(long from, long through)
    {
        var entries = await _timeline.ReadAfterAsync(_store.Id, from - 1, (int)(through - from + 1));
        return entries.Select(e => MessageCodec.ToMessage(_store.Id, e)).ToList();
    }
}
