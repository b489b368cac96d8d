using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Auth;
using Seqline.Api.Hubs;
using Seqline.Api.Push;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// The node's SignalR hub lifetime (the real one inside) with one user's connections stalled: a send
/// to that user's group, or to one of the user's connections (the edge sends to a user's only
/// connection directly), does not complete until the test lets it, as a send to a connection that
/// does not read its socket does not once its buffers are full.
/// </summary>
public sealed class StalledConnections(HubLifetimeManager<SyncHub> inner, string stalledUser) : HubLifetimeManager<SyncHub>
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a send to the stalled user has started.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Replaces the node's hub lifetime with one whose sends to <paramref name="stalledUser"/> stall.</summary>
    public static Action<IServiceCollection> For(string stalledUser, Action<StalledConnections> created) => services =>
        services.AddSingleton<HubLifetimeManager<SyncHub>>(provider =>
        {
            var stalled = new StalledConnections(ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<SyncHub>>(provider), stalledUser);
            created(stalled);
            return stalled;
        });

    /// <summary>Lets the stalled sends (and every later one) go through.</summary>
    public void Release() => _released.TrySetResult();

    // The stalled user's connections, as they connect.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _stalledConnections = new();

    public override async Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (groupName == PushBridge.GroupOf(stalledUser)) await Stall();
        await inner.SendGroupAsync(groupName, methodName, args, cancellationToken);
    }

    public override async Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        // The hub's hello (an empty events message at the head, sent to the caller) still goes: only pushes stall.
        if (_stalledConnections.ContainsKey(connectionId) && args is not [EventsMessage { Events.Count: 0 }]) await Stall();
        await inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);
    }

    private Task Stall()
    {
        Reached.TrySetResult();
        return _released.Task;
    }

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        if (connection.User.UserId() == stalledUser) _stalledConnections[connection.ConnectionId] = true;
        return inner.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _stalledConnections.TryRemove(connection.ConnectionId, out _);
        return inner.OnDisconnectedAsync(connection);
    }
    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendAllAsync(methodName, args, cancellationToken);
    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);
    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendUserAsync(userId, methodName, args, cancellationToken);
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendUsersAsync(userIds, methodName, args, cancellationToken);
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => inner.AddToGroupAsync(connectionId, groupName, cancellationToken);
    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) => inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);
    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => inner.SetConnectionResultAsync(connectionId, result);
    public override bool TryGetReturnType(string invocationId, out Type type) => inner.TryGetReturnType(invocationId, out type!);
}
