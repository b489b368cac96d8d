using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Seqline.Diagnostics;
using Seqline.Hosting;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// The main fan-out loop of a conversation: it carries messages, membership notices and recalls to
/// the inboxes of everyone who keeps step, doing what <see cref="FanoutPlan.Next"/> decides, and
/// moves the watermark (<c>FannedOutThrough</c>) after each batch. It owns the loop, the messages
/// not yet fanned out (<see cref="FanoutMessages"/>), the waiters of a membership change, and the
/// stop of every fan-out loop. A failed delivery never holds
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
    private readonly ConversationOptions _options;
    private readonly SeqlineMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly StragglerCatchUp _stragglers;
    // The plan's question as a delegate made once, not once per step.
    private readonly Func<string, bool> _isCatchingUp;
    private readonly FanoutMessages _messages;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private TaskCompletionSource? _noticesTried;

    public ConversationFanout(ConversationStore store, IConversationFanoutHost host, FanoutCalls calls, ConversationRecalls recalls,
        ITimelineStore timeline, ConversationOptions options, SeqlineMetrics metrics, TimeProvider clock, ILogger logger)
    {
        (_store, _host, _calls, _recalls, _options, _metrics, _clock, _logger) = (store, host, calls, recalls, options, metrics, clock, logger);
        _messages = new FanoutMessages(store.Id, timeline, options.OutboxCapacity);
        _stragglers = new StragglerCatchUp(this, store, calls, options, logger);
        _isCatchingUp = _stragglers.IsCatchingUp;
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
        _messages.Appended(batch, traces, FannedOutThrough);
        ReportLag();
        Start();
    }

    public void Recalled(ChatMessage tombstone)
    {
        _messages.Recalled(tombstone);
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
                    _options.FanoutBatch, _isCatchingUp);
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
        var messages = await _messages.Next(batch.From, batch.Through, FannedOutThrough, _host.Head);
        using var span = SeqlineActivities.StartFanout(_store.Id, batch.From, batch.Through, _messages.TracesOf(messages));
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
        _messages.FannedOutThrough(batch.Through);
        ReportLag();
    }

    /// <summary>The stored messages from <paramref name="from"/> through <paramref name="through"/>.</summary>
    public Task<IReadOnlyList<ChatMessage>> Read(long from, long through) => _messages.Read(from, through);
}
