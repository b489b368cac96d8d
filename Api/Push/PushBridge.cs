using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seqline.Api.Hubs;
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
    ILogger<PushBridge> logger) : BackgroundService, IInboxObserver
{
    private readonly Dictionary<string, int> _devices = new(StringComparer.Ordinal);
    private readonly IPushInterceptor[] _interceptors = interceptors.ToArray();
    private IInboxObserver? _reference;

    private IInboxObserver Reference => _reference ??= grains.CreateObjectReference<IInboxObserver>(this);

    public static string GroupOf(string userId) => "user:" + userId;

    /// <summary>Users with at least one device connected to this node.</summary>
    public IReadOnlyCollection<string> ConnectedUsers
    {
        get { lock (_devices) return _devices.Keys.ToList(); }
    }

    public async Task DeviceConnected(string userId)
    {
        bool first;
        lock (_devices)
        {
            _devices[userId] = _devices.GetValueOrDefault(userId) + 1;
            first = _devices[userId] == 1;
        }
        if (first) await grains.GetGrain<IInboxGrain>(userId).Subscribe(Reference);
    }

    public async Task DeviceDisconnected(string userId)
    {
        bool last;
        lock (_devices)
        {
            var left = _devices.GetValueOrDefault(userId) - 1;
            last = left <= 0;
            if (last) _devices.Remove(userId);
            else _devices[userId] = left;
        }
        if (last) await grains.GetGrain<IInboxGrain>(userId).Unsubscribe(Reference);
    }

    public async Task OnPush(InboxPush push)
    {
        if (_interceptors.Any(i => !i.ShouldDeliver(push))) return;
        await hub.Clients.Group(GroupOf(push.UserId)).SendAsync("events", new { events = push.Events, prevCursor = push.PrevCursor, cursor = push.Cursor });
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
                    await grains.GetGrain<IInboxGrain>(user).Subscribe(Reference);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogRenewFailed(error, user);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the push registration of {UserId} failed; retrying next period")]
    private partial void LogRenewFailed(Exception error, string userId);
}
