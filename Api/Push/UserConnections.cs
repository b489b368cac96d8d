namespace Seqline.Api.Push;

/// <summary>
/// The hub connections of each user on this edge node, kept beside the SignalR group of the user
/// (added right after the connection joins the group, removed as it leaves), so that a push to a
/// user with one device can go to that connection alone. SignalR writes a message for a single
/// connection straight into its pipe, while a group send first copies it into a new array to share
/// among the group's connections: most users have one device here, and that copy was 2.4% of what
/// the node allocated per message. A connection counted here that has already left only makes a
/// push take the group, which is always right.
/// </summary>
public sealed class UserConnections
{
    private readonly Dictionary<string, List<string>> _connections = new(StringComparer.Ordinal);

    public void Add(string userId, string connectionId)
    {
        lock (_connections)
        {
            if (!_connections.TryGetValue(userId, out var ids)) _connections[userId] = ids = new List<string>(1);
            ids.Add(connectionId);
        }
    }

    public void Remove(string userId, string connectionId)
    {
        lock (_connections)
        {
            if (!_connections.TryGetValue(userId, out var ids) || !ids.Remove(connectionId)) return;
            if (ids.Count == 0) _connections.Remove(userId);
        }
    }

    /// <summary>The user's one connection here, or null when there are none or several (send to the group).</summary>
    public string? Only(string userId)
    {
        lock (_connections) return _connections.TryGetValue(userId, out var ids) && ids.Count == 1 ? ids[0] : null;
    }
}
