using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Seqline.Diagnostics;
using Orleans.Streams;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>What the fan-out needs of its conversation grain: its state, and the writes only the grain makes.</summary>
public interface IConversationFanoutHost
{
    string Id { get; }

    /// <summary>Created: until then rows of a create that failed half-way tell nobody anything.</summary>
    bool Exists { get; }

    bool Broken { get; }
    Membership Membership { get; }
    ConversationState State { get; }
    FanoutModes Modes { get; }
    long Head { get; }
    long TrimmedThrough { get; }
    ConversationRef Reference(long nextSeq);
    Task UpdateRows(Func<Membership, IReadOnlyList<MemberRow>> change, IReadOnlyCollection<string>? delete = null);
    Task WriteState();
    void Poison(Exception error, string what);
    IAsyncStream<ConversationMessages> Stream { get; }
}

/// <summary>
/// The loops that carry a conversation's messages, membership notices and recalls to its members'
/// inboxes, doing what <see cref="FanoutPlan"/> decides: one loop for everyone who keeps step, and
/// one per inbox that fell behind. Every delivery is idempotent at the inbox, so what a failure or
/// a crash interrupts is simply done again. A failed delivery never holds up the other members:
/// its inbox is marked behind (in its row, before the watermark moves past it) and caught up on
/// its own, with its own backoff.
/// </summary>
internal sealed partial class ConversationFanout(
    IConversationFanoutHost host,
    IGrainFactory grains,
    ITimelineStore timeline,
    IFanoutGate gate,
    ConversationOptions options,
    SeqlineMetrics metrics,
    TimeProvider clock,
    ILogger logger)
{
    private readonly Outbox _outbox = new(options.OutboxCapacity);
    private readonly Dictionary<string, Task> _catchingUp = new(StringComparer.Ordinal);
    // The trace each message held in memory was sent in, so its fan-out continues that trace.
    private readonly Dictionary<long, ActivityContext> _traces = [];
    private readonly SemaphoreSlim _calls = new(Math.Max(1, options.FanoutParallelism));
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private TaskCompletionSource? _noticesTried;

    private bool Stopped => host.Broken || _stop.IsCancellationRequested;

    private ConversationState State => host.State;
    private long FannedOutThrough => State.FannedOutThrough;

    /// <summary>Messages not yet fanned out, notices untold, recalls pending, or inboxes behind.</summary>
    public bool HasWork => host.Exists && (FannedOutThrough < host.Head || host.Membership.Unsettled.Count > 0 || State.PendingRecalls.Count > 0);

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

    private void ReportLag()
    {
        metrics.ReportFanoutLag(host.Id, host.Head, FannedOutThrough);
        metrics.ReportInboxesBehind(host.Id, host.Membership.Stragglers.Count());
    }

    public void Recalled(ChatMessage tombstone)
    {
        _outbox.Replace(tombstone);
        Start();
    }

    public void Start()
    {
        if (_loop is null or { IsCompleted: true } && !Stopped && host.Exists) _loop = Run();
    }

    /// <summary>
    /// Stops the loops and waits for what they have under way, so that nothing this activation
    /// started writes after the next activation has begun.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        var running = _catchingUp.Values.Append(_loop ?? Task.CompletedTask).ToList();
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
                var step = FanoutPlan.Next(FannedOutThrough, host.Head, host.Membership, host.Modes, State.PendingRecalls,
                    options.FanoutBatch, _catchingUp.ContainsKey);
                LogStep(host.Id, step);
                if (step is not TellNotices) ReleaseNoticeWaiters();
                switch (step)
                {
                    case TellNotices notices:
                        await Tell(notices.Notices, behind: false);
                        ReleaseNoticeWaiters();
                        break;
                    case Rejoin rejoin:
                        await host.UpdateRows(m => rejoin.Rows.Select(r => m.RowOf(r.UserId)).OfType<MemberRow>()
                            .Where(r => r.IsBehind).Select(r => r with { Behind = null }).ToList());
                        break;
                    case DeliverBatch batch:
                        await DeliverToEveryone(batch);
                        break;
                    case DeliverRecalls recalls:
                        await DeliverRecalls(recalls.Seqs);
                        break;
                    default:
                        StartCatchingUp();
                        return;
                }
                StartCatchingUp();
                ReportLag();
                attempt = 0;
            }
            catch (Exception error) when (!Stopped)
            {
                LogFanoutFailed(error, host.Id, ++attempt);
                if (!await Wait(Backoff(attempt))) return;
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    // False once the fan-out is stopping.
    private async Task<bool> Wait(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, clock, _stop.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(options.FanoutRetryMaxDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt - 1, 16))));

    private void ReleaseNoticeWaiters()
    {
        _noticesTried?.TrySetResult();
        _noticesTried = null;
    }

    // Joins and removals, each to its own inbox. Those told are marked so in their rows (only
    // while still their user's oldest untold change); an inbox that fails falls behind, so that
    // nothing reaches it before the notice does.
    private async Task<bool> Tell(IReadOnlyList<Notice> notices, bool behind)
    {
        var told = new List<Notice>();
        try
        {
            await gate.BeforeNoticesAsync(host.Id, notices.Select(n => n.Row.UserId).ToList());
            var results = await Task.WhenAll(notices.Select(async n => (Notice: n, Ok: await Try(() => n.Change.Joins
                ? grains.GetGrain<IInboxGrain>(n.Row.UserId).Join(host.Reference(n.Change.Since))
                : grains.GetGrain<IInboxGrain>(n.Row.UserId).Leave(host.Id, n.Change.Since - 1), n.Row.UserId))));
            told.AddRange(results.Where(r => r.Ok).Select(r => r.Notice));
        }
        catch (Exception error)
        {
            LogDeliveryFailed(error, host.Id, string.Join(", ", notices.Select(n => n.Row.UserId)));
        }
        var failed = notices.Except(told).Select(n => n.Row.UserId).ToHashSet(StringComparer.Ordinal);
        if (failed.Count > 0 && !behind) LogFellBehind(host.Id, failed.Count);
        await host.UpdateRows(m =>
        {
            var rows = new List<MemberRow>();
            foreach (var notice in told)
            {
                if (m.RowOf(notice.Row.UserId) is not { } row || row.Untold.Count == 0 || row.Untold[0] != notice.Change) continue;
                var next = row.Told();
                // Nothing before a join is owed to the inbox of someone behind.
                if (notice.Change.Joins && next.Behind is { } at) next = next with { Behind = Math.Max(at, notice.Change.Since - 1) };
                rows.Add(next);
            }
            if (!behind) rows.AddRange(FallBehind(m, failed));
            return rows;
        });
        return failed.Count == 0;
    }

    // Rows of users whose inbox failed while keeping step: behind from where fan-out stands.
    private IEnumerable<MemberRow> FallBehind(Membership membership, IEnumerable<string> users, IReadOnlyList<long>? recalls = null) =>
        users.Select(membership.RowOf).OfType<MemberRow>()
            .Select(r => r with
            {
                Behind = r.Behind ?? FannedOutThrough,
                OwedRecalls = recalls is { Count: > 0 } ? r.Recalls.Union(recalls).ToList() : r.OwedRecalls,
            })
            .Where(r => !r.Equals(membership.RowOf(r.UserId)));

    private async Task<bool> Try(Func<Task> delivery, string userId)
    {
        await _calls.WaitAsync();
        try
        {
            await delivery();
            return true;
        }
        catch (Exception error)
        {
            LogDeliveryFailed(error, host.Id, userId);
            return false;
        }
        finally
        {
            _calls.Release();
        }
    }

    // One run of messages of one fan-out mode to everyone in step. A switch travels to the inboxes
    // just before the first message it applies to, so every device crosses it at the same point.
    private async Task DeliverToEveryone(DeliverBatch batch)
    {
        var messages = await Messages(batch.From, batch.Through);
        using var span = SeqlineActivities.StartFanout(host.Id, batch.From, batch.Through,
            messages.Select(m => _traces.GetValueOrDefault(m.Seq)).ToList());
        await gate.BeforeFanoutAsync(host.Id, batch.From, batch.Through);
        var failed = await Deliver(batch, messages, batch.Recipients, publish: true);
        if (failed.Count > 0)
        {
            LogFellBehind(host.Id, failed.Count);
            await host.UpdateRows(m => FallBehind(m, failed).ToList());
        }
        State.FannedOutThrough = batch.Through;
        // A switch is needed while any inbox may still be told something before it: a straggler's
        // catch-up, and a join or removal not told yet (a join carries the mode at its seq).
        host.Modes.ForgetThrough(host.Membership.Stragglers.Select(r => r.Behind!.Value)
            .Concat(host.Membership.Unsettled.SelectMany(r => r.Untold.Select(t => t.Since - 1)))
            .Append(batch.Through).Min());
        await host.WriteState();
        _outbox.DropThrough(batch.Through);
        foreach (var seq in _traces.Keys.Where(seq => seq <= batch.Through).ToList()) _traces.Remove(seq);
        ReportLag();
    }

    // Returns the recipients whose inboxes failed.
    private async Task<List<string>> Deliver(DeliverBatch batch, IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> recipients, bool publish)
    {
        var failed = new List<string>();
        if (batch.Mode == FanoutMode.Write || batch.Switch is not null)
        {
            var delivery = new InboxDelivery(host.Reference(batch.Through + 1), batch.Mode == FanoutMode.Write ? messages : [], batch.Switch);
            failed.AddRange(await Failures(recipients, user => grains.GetGrain<IInboxGrain>(user).Deliver(delivery)));
        }
        if (batch.Mode == FanoutMode.Read)
        {
            if (publish) await Publish(messages);
            var reached = recipients.Except(failed).ToHashSet(StringComparer.Ordinal);
            // In read fan-out nobody's inbox sees the messages: the mentioned members are told
            // directly, and so are the senders, whose own messages count as read.
            var mentioned = messages.SelectMany(m => (m.Mentions ?? []).Select(user => (User: user, m.Seq)))
                .Where(x => reached.Contains(x.User)).GroupBy(x => x.User);
            failed.AddRange(await Failures(mentioned.Select(g => g.Key).ToList(), user =>
                grains.GetGrain<IInboxGrain>(user).Mentioned(host.Id, mentioned.Single(g => g.Key == user).Select(x => x.Seq).ToList())));
            var writers = messages.Where(m => reached.Contains(m.SenderId)).GroupBy(m => m.SenderId).ToDictionary(g => g.Key, g => g.Max(m => m.Seq));
            failed.AddRange(await Failures(writers.Keys.ToList(), user => grains.GetGrain<IInboxGrain>(user).Wrote(host.Id, writers[user])));
        }
        return failed.Distinct().ToList();
    }

    private async Task<List<string>> Failures(IReadOnlyList<string> users, Func<string, Task> deliver)
    {
        var results = await Task.WhenAll(users.Select(async u => (User: u, Ok: await Try(() => deliver(u), u))));
        return results.Where(r => !r.Ok).Select(r => r.User).ToList();
    }

    // The stream only feeds live pushes; syncs read the timeline, so a lost publish costs
    // latency, not messages. Users removed but not told yet are named with the last seq they may
    // see, so that their inboxes push them nothing after it.
    private async Task Publish(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0) return;
        var through = messages[^1].Seq;
        var leaving = host.Membership.Unsettled.Where(r => r.ReadableThrough < through).ToDictionary(r => r.UserId, r => r.ReadableThrough);
        try
        {
            await host.Stream.OnNextAsync(new ConversationMessages(host.Id, messages, leaving.Count > 0 ? leaving : null));
        }
        catch (Exception error)
        {
            LogPublishFailed(error, host.Id);
        }
    }

    // The held messages, read back from the timeline when memory did not keep them.
    private async Task<IReadOnlyList<ChatMessage>> Messages(long from, long through)
    {
        if (_outbox.Holds(from) && _outbox.Holds(through)) return _outbox.Range(from, through);
        var room = _outbox.RoomFor(FannedOutThrough, host.Head);
        if (room > 0 && _outbox.EndOr(FannedOutThrough) < through)
        {
            var entries = await timeline.ReadAfterAsync(host.Id, _outbox.EndOr(FannedOutThrough), room);
            _outbox.Add(entries.Select(e => MessageCodec.ToMessage(host.Id, e)).ToList(), FannedOutThrough);
        }
        if (_outbox.Holds(from) && _outbox.Holds(through)) return _outbox.Range(from, through);
        return await Read(from, through);
    }

    private async Task<IReadOnlyList<ChatMessage>> Read(long from, long through)
    {
        var entries = await timeline.ReadAfterAsync(host.Id, from - 1, (int)(through - from + 1));
        return entries.Select(e => MessageCodec.ToMessage(host.Id, e)).ToList();
    }

    // A recall goes out once its message has. Its tombstone is made sure of first (the recall was
    // recorded before the tombstone was written). Inboxes behind that hold the message are owed it.
    private async Task DeliverRecalls(IReadOnlyList<long> seqs)
    {
        foreach (var seq in seqs)
        {
            var stored = await timeline.ReadAfterAsync(host.Id, seq - 1, 1);
            if (stored.Count == 1 && MessageCodec.ToMessage(host.Id, stored[0]) is { Recalled: false } message)
                await timeline.ReplaceAsync(host.Id, MessageCodec.ToEntry(message with { Body = "", Recalled = true }));
        }
        var inStep = host.Membership.Members.Where(u => host.Membership.RowOf(u) is not { IsBehind: true }).ToList();
        var delivery = new InboxDelivery(host.Reference(host.Head + 1), [], null, seqs);
        var failed = await Failures(inStep, user => grains.GetGrain<IInboxGrain>(user).Deliver(delivery));
        if (failed.Count > 0) LogFellBehind(host.Id, failed.Count);
        // Inboxes behind are owed the recalls too: one may hold a message past where it is known
        // to be (a delivery that failed after it landed). A recall of a message it never got is harmless.
        await host.UpdateRows(m => FallBehind(m, failed, seqs)
            .Concat(m.Stragglers.Where(r => !failed.Contains(r.UserId) && r.IsMember)
                .Select(r => r with { OwedRecalls = r.Recalls.Union(seqs).ToList() })
                .Where(r => !r.Equals(m.RowOf(r.UserId))))
            .ToList());
        State.PendingRecalls.RemoveAll(seqs.Contains);
        await host.WriteState();
    }

    private void StartCatchingUp()
    {
        foreach (var row in host.Membership.Stragglers.ToList())
        {
            if (_catchingUp.Count >= options.MaxCatchingUp) return;
            if (_catchingUp.ContainsKey(row.UserId)) continue;
            var catchingUp = CatchUp(row.UserId);
            // One that had nothing to do has finished (and forgotten itself) already.
            if (!catchingUp.IsCompleted) _catchingUp[row.UserId] = catchingUp;
        }
    }

    // One inbox that fell behind, brought up to where fan-out stands, step by step from the
    // timeline, with its own backoff. Once there, the main loop takes it back into step.
    private async Task CatchUp(string userId)
    {
        try
        {
            for (var attempt = 0; !Stopped;)
            {
                if (host.Membership.RowOf(userId) is not { IsBehind: true } row) return;
                var step = FanoutPlan.StragglerNext(row, FannedOutThrough, host.Modes, options.FanoutBatch);
                LogCatchUpStep(host.Id, userId, step);
                bool ok;
                try
                {
                    ok = step switch
                    {
                        TellNotices notices => await Tell(notices.Notices, behind: true),
                        DeliverBatch batch => await CatchUpBatch(row, batch),
                        SkipTo skip => await Moved(userId, r => r with { Behind = skip.Through }),
                        DeliverRecalls recalls => await Try(() => grains.GetGrain<IInboxGrain>(userId)
                                .Deliver(new InboxDelivery(host.Reference(host.Head + 1), [], null, recalls.Seqs)), userId)
                            && await Moved(userId, r => r with { OwedRecalls = null }),
                        _ => false,
                    };
                    if (step is CaughtUp) return;
                }
                catch (Exception error) when (!Stopped)
                {
                    LogFanoutFailed(error, host.Id, attempt + 1);
                    ok = false;
                }
                if (ok)
                {
                    attempt = 0;
                    continue;
                }
                if (!await Wait(Backoff(++attempt))) return;
            }
        }
        finally
        {
            _catchingUp.Remove(userId);
            if (!Stopped) Start();
        }
    }

    private async Task<bool> CatchUpBatch(MemberRow row, DeliverBatch batch)
    {
        IReadOnlyList<ChatMessage> messages;
        try
        {
            messages = await Read(batch.From, batch.Through);
        }
        catch (TimelineTrimmedException trimmed)
        {
            // Expired before this inbox got them: nothing of them is left to deliver.
            return await Moved(row.UserId, r => r with { Behind = Math.Max(r.Behind ?? 0, Math.Min(trimmed.TrimmedThrough, FannedOutThrough)) });
        }
        await gate.BeforeFanoutAsync(host.Id, batch.From, batch.Through);
        if ((await Deliver(batch, messages, [row.UserId], publish: false)).Count > 0) return false;
        return await Moved(row.UserId, r => r with { Behind = Math.Max(r.Behind ?? 0, batch.Through) });
    }

    private async Task<bool> Moved(string userId, Func<MemberRow, MemberRow> change)
    {
        await host.UpdateRows(m => m.RowOf(userId) is { } row ? [change(row)] : []);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fan-out of conversation {ConversationId}: {Step}")]
    private partial void LogStep(string conversationId, FanoutStep step);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fan-out of conversation {ConversationId} catching up {UserId}: {Step}")]
    private partial void LogCatchUpStep(string conversationId, string userId, FanoutStep step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out of conversation {ConversationId} failed (attempt {Attempt})")]
    private partial void LogFanoutFailed(Exception error, string conversationId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {ConversationId} could not deliver to {UserIds}; they are caught up on their own")]
    private partial void LogDeliveryFailed(Exception error, string conversationId, string userIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} could not deliver to {Count} inboxes; they are caught up on their own")]
    private partial void LogFellBehind(string conversationId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing messages of conversation {ConversationId} failed; devices will pull them")]
    private partial void LogPublishFailed(Exception error, string conversationId);
}
