namespace Seqline.Api.Push;

/// <summary>
/// The hub connections of each user on this edge node, kept beside the SignalR group of the user
/// (added right after the connection joins the group, removed as it leaves), so that a push to a
/// user with one device can go to that connection alone. SignalR writes a message for a single
/// connection straight into its pipe, while a group send first copies it into a new array to share
/// among the group's connections: most users have one device here, and that copy was 2.4% of what
/// the node allocated per message. A connection counted here that has already left only makes a
/// push take the group, which is always right. The group's name is kept too, made once per user
/// here instead of once per push.
/// </summary>
public sealed class UserConnections
{
    private readonly Dictionary<string, Entry> _users = new(StringComparer.Ordinal);

    public void Add(string userId, string connectionId)
    {
        lock (_users)
        {
            if (!_users.TryGetValue(userId, out var entry)) _users[userId] = entry = new Entry(PushBridge.GroupOf(userId));
            entry.Connections.Add(connectionId);
        }
    }

    public void Remove(string userId, string connectionId)
    {
        lock (_users)
        {
            if (!_users.TryGetValue(userId, out var entry) || !entry.Connections.Remove(connectionId)) return;
            if (entry.Connections.Count == 0) _users.Remove(userId);
        }
    }

    /// <summary>
    /// Where a push or a notice to the user goes: their one connection here, else (none or
    /// several) null and their group.
    /// </summary>
    public (string? Connection, string Group) Route(string userId)
    {
        lock (_users)
        {
            if (!_users.TryGetValue(userId, out var entry)) return (null, PushBridge.GroupOf(userId));
            return (entry.Connections.Count == 1 ? entry.Connections[0] : null, entry.Group);
        }
    }

    private sealed class Entry(string group)
    {
        public string Group { get; } = group;
        public List<string> Connections { get; } = new(1);
    }
}
