using Seqline.Presence;

namespace Seqline.Inboxes;

/// <summary>
/// A user's presence, kept by their inbox from the edge nodes' push registrations and nothing else:
/// online while one is registered and not expired, else last seen. Last seen is the moment the last
/// registration left, or, when registrations expired (an edge node died), their last renewal. It is
/// only held in memory here; the inbox saves it with its own checkpoints (<see cref="Unsaved"/>), so
/// neither a connect nor a disconnect costs a write.
/// </summary>
public sealed class PresenceClock(string userId, DateTimeOffset? lastSeen, bool hidden)
{
    private DateTimeOffset? _lastRenewal;

    /// <summary>When a device of the user was last known connected, if ever; null while unknown.</summary>
    public DateTimeOffset? LastSeen { get; private set; } = lastSeen;

    /// <summary>Whether others see neither online nor last seen.</summary>
    public bool Hidden { get; private set; } = hidden;

    /// <summary>Last seen moved since the inbox last saved it.</summary>
    public bool Unsaved { get; private set; }

    /// <summary>An edge node registered or renewed: a device is connected now.</summary>
    public void Renewed(DateTimeOffset now) => _lastRenewal = now;

    /// <summary>The last registration left: the user went offline now.</summary>
    public void WentOffline(DateTimeOffset now) => See(now);

    /// <summary>The inbox saved <see cref="LastSeen"/>.</summary>
    public void Saved() => Unsaved = false;

    /// <summary>Changes the hide setting; true when it changed.</summary>
    public bool Hide(bool hidden)
    {
        if (Hidden == hidden) return false;
        Hidden = hidden;
        return true;
    }

    /// <summary>
    /// The presence as the user sees it: online when a registration is live; otherwise
    /// registrations that expired unannounced count as seen at their last renewal.
    /// </summary>
    public PresenceView Own(bool online)
    {
        if (!online && _lastRenewal is { } renewal) See(renewal);
        return new PresenceView(userId, online, online ? null : LastSeen, Hidden);
    }

    /// <summary>The presence as another user who shares a conversation sees it: nothing when hidden.</summary>
    public PresenceView Seen(bool online) =>
        Own(online) is var own && Hidden ? new PresenceView(userId, false, null, Hidden: true) : own;

    private void See(DateTimeOffset at)
    {
        if (LastSeen >= at) return;
        LastSeen = at;
        Unsaved = true;
    }
}
