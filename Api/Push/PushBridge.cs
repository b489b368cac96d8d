using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seqline.Api.Hubs;
using Seqline.Api.Operations;
using Seqline.Inboxes;
using Seqline.Push;

namespace Seqline.Api.Push;

/// <summary>
/// This edge node's single observer of inboxes. It is registered with the inbox of each user who
/// has at least one device connected here, renewed every <see cref="PushOptions.RenewPeriod"/>
/// (registrations expire), removed when the user's last device here leaves, and forwards each
/// push to the SignalR group of that user's connections on this node.
/// </summary>
public sealed partial class PushBridge(
    IGrainFactory grains,
    IHubContext<SyncHub> hub,
    IOptions<PushOptions> options,
    IEnumerable<IPushInterceptor> interceptors,
    TimeProvider clock,
    EdgeMetrics metrics,
    AcknowledgementBook acknowledgements,
    ILogger<PushBridge> logger) : BackgroundService, IInboxObserver
{
    private readonly Dictionary<string, int> _devices = new(StringComparer.Ordinal);
    // Users with a device connecting (subscribing) now: a push may come before the subscription's answer.
    private readonly Dictionary<string, int> _arriving = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] _turns = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly IPushInterceptor[] _interceptors = interceptors.ToArray();
    private PushSequencer? _sequencer;
    private IInboxObserver? _reference;

    // One sequencer for the node: pushes of one user must all pass the same one. Made on first use
    // (it needs this instance's methods); every push reads it, so the read allocates nothing.
    private PushSequencer Sequencer => Volatile.Read(ref _sequencer) ?? CreateSequencer();

    private PushSequencer CreateSequencer()
    {
        lock (_lazyLock)
            return _sequencer ??= new PushSequencer(SendToDevices, options.Value.ReorderWait, clock, PushDropped,
                options.Value.MaxQueuedPerUser, Listening);
    }

    // One reference for the node's life: two would register this node twice with an inbox, and
    // every push would arrive twice.
    private IInboxObserver Reference => Volatile.Read(ref _reference) ?? CreateReference();

    private IInboxObserver CreateReference()
    {
        lock (_lazyLock) return _reference ??= grains.CreateObjectReference<IInboxObserver>(this);
    }

    private readonly object _lazyLock = new();

    public static string GroupOf(string userId) => "user:" + userId;

    /// <summary>Each user's hub connections on this node, besides their group: the hub keeps it.</summary>
    public UserConnections Connections { get; } = new();

    /// <summary>Users with at least one device connected to this node, and subscribed to.</summary>
    public IReadOnlyCollection<string> ConnectedUsers
    {
        get { lock (_devices) return _devices.Keys.ToList(); }
    }

    /// <summary>
    /// Subscribes this node to the user's inbox (again: renewing is harmless) and returns the
    /// inbox's head cursor, which the new device is told about: events before it were never pushed here.
    /// </summary>
    public async Task<string> DeviceConnected(string userId)
    {
        var turn = TurnOf(userId);
        await turn.WaitAsync();
        lock (_devices) _arriving[userId] = _arriving.GetValueOrDefault(userId) + 1;
        try
        {
            var head = await grains.Reference<IInboxPush>(userId).Subscribe(Reference);
            Sequencer.Expect(userId, head);
            lock (_devices) _devices[userId] = _devices.GetValueOrDefault(userId) + 1;
            metrics.DeviceConnected();
            return head;
        }
        finally
        {
            bool none;
            lock (_devices)
            {
                if (_arriving[userId] == 1) _arriving.Remove(userId);
                else _arriving[userId]--;
                none = !_devices.ContainsKey(userId);
            }
            // A failed connect of the user's only device: what was pushed meanwhile goes nowhere.
            if (none) Sequencer.Forget(userId);
            turn.Release();
        }
    }

    public async Task DeviceDisconnected(string userId)
    {
        var turn = TurnOf(userId);
        await turn.WaitAsync();
        try
        {
            bool last;
            lock (_devices)
            {
                // A device whose connect failed was never counted in.
                if (_devices.ContainsKey(userId)) metrics.DeviceDisconnected();
                var left = _devices.GetValueOrDefault(userId) - 1;
                last = left <= 0;
                if (last) _devices.Remove(userId);
                else _devices[userId] = left;
            }
            if (!last) return;
            Sequencer.Forget(userId);
            acknowledgements.Forget(userId);
            await grains.Reference<IInboxPush>(userId).Unsubscribe(Reference);
        }
        finally
        {
            turn.Release();
        }
    }

    // A user's connects and disconnects take turns, so a last device leaving cannot unsubscribe
    // the node after a device arriving at the same moment has subscribed it. Striped: bounded memory.
    private SemaphoreSlim TurnOf(string userId) => _turns[(StringComparer.Ordinal.GetHashCode(userId) & int.MaxValue) % _turns.Length];

    /// <remarks>
    /// Orleans hands this node's observer its calls one at a time and awaits each, so this returns
    /// once the push has its place in the user's order, not once it is sent: awaiting the send would
    /// make every user on the node wait behind one slow connection (or one large group's burst).
    /// The sequencer sends each user's pushes one after another, in cursor order.
    /// </remarks>
    public Task OnPush(InboxPush push)
    {
        if (!Intercepted(push)) _ = Deliver(push);
        return Task.CompletedTask;
    }

    // A loop, not a lambda over the push: this runs for every push, and a closure is an allocation each time.
    private bool Intercepted(InboxPush push)
    {
        foreach (var interceptor in _interceptors)
        {
            if (interceptor.ShouldDeliver(push)) continue;
            PushDropped(push, "intercepted");
            return true;
        }
        return false;
    }

    // A push for a user with no device here, connected or connecting (the inbox sent it before it
    // heard the last one left), goes nowhere: kept, it would set the user's order to a cursor no
    // later push follows, and after the next connect every push would wait the reorder window.
    // The sequencer asks this under its own lock, and a user's devices leave this set before
    // Forget takes that lock, so no push can slip in between.
    private bool Listening(string userId)
    {
        lock (_devices) return _devices.ContainsKey(userId) || _arriving.ContainsKey(userId);
    }

    private async Task Deliver(InboxPush push)
    {
        try
        {
            await Sequencer.Accept(push);
        }
        catch (Exception error)
        {
            // Counted as dropped in SendToDevices; the devices pull what the push carried on their next push or connect.
            LogPushFailed(error, push.UserId);
        }
    }

    private async Task SendToDevices(InboxPush push)
    {
        // What goes out may be acknowledged, and no more than that. Noted before it goes: a device
        // may answer before this send's continuation runs.
        acknowledgements.Pushed(push.UserId, push.Events);
        try
        {
            // Written at once, as before; only a send that has to wait (a connection's buffers are
            // full) lets the observer go on to the next push, and the user's next push waits for it.
            var (only, group) = Connections.Route(push.UserId);
            var devices = only is not null ? hub.Clients.Client(only) : hub.Clients.Group(group);
            await devices.SendAsync(EventsMethod, new EventsMessage(push.Events, push.PrevCursor, push.Cursor, push.Receipts));
        }
        catch
        {
            metrics.PushDropped("failed");
            throw;
        }
        metrics.PushSent(push.Events, clock.GetUtcNow());
        if (push.Receipts is not null) metrics.NoticeSent(EventsMethod);
    }

    // A push not sent still delivers the receipts that rode on it: no pull brings them back.
    private void PushDropped(InboxPush push, string reason)
    {
        metrics.PushDropped(reason);
        if (push.Receipts is { Count: > 0 } receipts && reason != PushSequencer.NoDevice) OnReceiptsMany(push.UserId, receipts);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RenewPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var user in ConnectedUsers)
            {
                try
                {
                    await grains.Reference<IInboxPush>(user).Subscribe(Reference);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogRenewFailed(error, user);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A push to the devices of {UserId} on this node failed; they pull what it carried")]
    private partial void LogPushFailed(Exception error, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the push registration of {UserId} failed; retrying next period")]
    private partial void LogRenewFailed(Exception error, string userId);
}
