using Seqline.Push;

namespace Seqline.Api.Push;

/// <summary>
/// Hands one user's pushes to the devices in cursor order. Orleans may run observer calls
/// concurrently, so two pushes can overtake each other on their way here, and a device would then
/// have to pull for both. Each push names the cursor it follows, which is enough to restore the
/// order: a push that arrives early waits, at most <c>maxWait</c>, for the one it follows.
/// </summary>
internal sealed class PushSequencer(Func<InboxPush, Task> send, TimeSpan maxWait, TimeProvider clock)
{
    private readonly Dictionary<string, UserPushes> _users = new(StringComparer.Ordinal);

    public async Task Accept(InboxPush push)
    {
        UserPushes user;
        bool held;
        lock (_users)
        {
            if (!_users.TryGetValue(push.UserId, out user!)) _users[push.UserId] = user = new UserPushes();
            if (user.LastCursor is null || user.LastCursor == push.PrevCursor) Release(user, push);
            else user.Early[push.PrevCursor] = push;
            held = user.Early.Count > 0;
        }
        if (held) _ = GiveUpWaiting(push.UserId);
        await Drain(user);
    }

    /// <summary>Forgets a user whose last device here has gone.</summary>
    public void Forget(string userId)
    {
        lock (_users) _users.Remove(userId);
    }

    // Queue the push, then whatever was waiting for it. Called under the lock, so queue order is cursor order.
    private static void Release(UserPushes user, InboxPush push)
    {
        for (InboxPush? next = push; next is not null; user.Early.Remove(user.LastCursor!, out next))
        {
            user.Outgoing.Enqueue(next);
            user.LastCursor = next.Cursor;
        }
    }

    // The predecessor may never come (lost, or sent before this node subscribed): send anyway, devices pull.
    private async Task GiveUpWaiting(string userId)
    {
        await Task.Delay(maxWait, clock);
        UserPushes? user;
        lock (_users)
        {
            if (!_users.TryGetValue(userId, out user)) return;
            foreach (var early in user.Early.Values.ToList())
            {
                if (!user.Early.ContainsKey(early.PrevCursor)) continue;
                user.Early.Remove(early.PrevCursor);
                Release(user, early);
            }
        }
        await Drain(user);
    }

    private async Task Drain(UserPushes user)
    {
        await user.Sending.WaitAsync();
        try
        {
            while (true)
            {
                InboxPush? next;
                lock (_users)
                {
                    if (!user.Outgoing.TryDequeue(out next)) return;
                }
                await send(next);
            }
        }
        finally
        {
            user.Sending.Release();
        }
    }

    private sealed class UserPushes
    {
        public string? LastCursor { get; set; }
        public Dictionary<string, InboxPush> Early { get; } = new(StringComparer.Ordinal);
        public Queue<InboxPush> Outgoing { get; } = new();
        public SemaphoreSlim Sending { get; } = new(1, 1);
    }
}
