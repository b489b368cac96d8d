using Seqline.Push;

namespace Seqline.Api.Push;

/// <summary>
/// Hands one user's pushes to the devices in cursor order. Orleans may run observer calls
/// concurrently, so two pushes can overtake each other on their way here, and a device would then
/// have to pull for both. Each push names the cursor it follows, which is enough to restore the
/// order: a push that arrives early waits, at most <c>maxWait</c>, for the one it follows. When
/// the wait gives up, the pushes waiting go out in their order, and the node stands at the newest.
/// A push older than one already sent (one that was given up on and came late, or a duplicate) is
/// dropped: it could only set the node back, and make every later push wait again. A skip notice
/// (see <see cref="InboxPush"/>) follows no push, so it never waits: it goes out at once, and the
/// pushes it passes are dropped, since the pull it makes devices do brings what they carry. A
/// user's queue is bounded: when the connections do not keep up and more than <c>maxQueued</c>
/// pushes wait, they are given up for one skip notice at the newest cursor, which makes the devices pull.
/// A push for a user the node no longer serves (<c>listening</c> says no) starts no order: it is
/// dropped, as its cursor would be one no later push follows. Every push not sent is told to
/// <c>dropped</c> with its reason: <see cref="Stale"/>, <see cref="Overflow"/> or <see cref="NoDevice"/>.
/// </summary>
internal sealed class PushSequencer(
    Func<InboxPush, Task> send,
    TimeSpan maxWait,
    TimeProvider clock,
    Action<InboxPush, string>? dropped = null,
    int maxQueued = int.MaxValue,
    Func<string, bool>? listening = null)
{
    /// <summary>Older than a push already sent (given up on and late, a duplicate, or passed by a skip notice).</summary>
    public const string Stale = "stale";

    /// <summary>One of more than <c>maxQueued</c> pushes waiting for a user's connections, given up for a skip notice.</summary>
    public const string Overflow = "overflow";

    /// <summary>For a user the node no longer serves.</summary>
    public const string NoDevice = "no_device";

    private readonly Dictionary<string, UserPushes> _users = new(StringComparer.Ordinal);

    public async Task Accept(InboxPush push)
    {
        UserPushes user;
        bool held;
        IReadOnlyList<InboxPush> stale = [];
        List<InboxPush>? given = null;
        lock (_users)
        {
            if (!_users.TryGetValue(push.UserId, out user!))
            {
                // Checked under this lock, which Forget takes after the user's last device is gone:
                // a push either starts its order before Forget (which then removes it) or sees nobody.
                if (listening?.Invoke(push.UserId) == false)
                {
                    dropped?.Invoke(push, NoDevice);
                    return;
                }
                _users[push.UserId] = user = new UserPushes();
            }
            // Another epoch: the inbox started over (its devices reset), so what came before says nothing.
            if (user.Last is { } last && last.Epoch != push.Order.Epoch) user.Reset();
            if (user.Last is { } newest && !push.Order.IsAfter(newest) && push.PrevCursor != user.LastCursor) stale = [push];
            else if (user.LastCursor is null || user.LastCursor == push.PrevCursor) Release(user, push);
            else if (IsSkip(push)) stale = Skip(user, push);
            else user.Early[push.PrevCursor] = push;
            given = GiveUpIfFull(user);
            held = user.Early.Count > 0;
        }
        foreach (var old in stale) dropped?.Invoke(old, Stale);
        // Not `given ?? []`: for a List that is a new empty list, on every push.
        if (given is not null) foreach (var overflowed in given) dropped?.Invoke(overflowed, Overflow);
        if (held) _ = GiveUpWaiting(push.UserId);
        await Drain(user);
    }

    /// <summary>
    /// The node has just subscribed to the user's inbox, whose head was <paramref name="head"/>: the
    /// first push follows it, and one that overtook it waits as any early push does. Without this
    /// the first push to arrive would go out at once, and the one it overtook, coming second, would
    /// be dropped as older. Nothing changes once a push for the user has arrived (it may come
    /// before the subscription's answer).
    /// </summary>
    public void Expect(string userId, string head)
    {
        lock (_users)
            if (!_users.ContainsKey(userId)) _users[userId] = new UserPushes { LastCursor = head };
    }

    /// <summary>Forgets a user whose last device here has gone (once <c>listening</c> says so).</summary>
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
            if (user.Last is not { } last || next.Order.IsAfter(last) || next.Order.Epoch != last.Epoch) user.Last = next.Order;
        }
    }

    // The user's connections do not keep up: rather than hold ever more pushes, the node drops the
    // queued ones and sends a skip notice at the newest cursor, which makes every device behind it
    // pull. Called under the lock; returns what it gave up.
    private List<InboxPush>? GiveUpIfFull(UserPushes user)
    {
        if (user.Outgoing.Count <= maxQueued) return null;
        var given = user.Outgoing.ToList();
        user.Outgoing.Clear();
        var newest = given[^1];
        user.Outgoing.Enqueue(newest with { Events = [], PrevCursor = newest.Cursor });
        return given;
    }

    // What an inbox pushes when it skipped something: no events, and devices not at its head pull.
    private static bool IsSkip(InboxPush push) => push.Events.Count == 0 && push.PrevCursor == push.Cursor;

    // A skip notice names its own cursor as the one it follows, and no push ends there (what led
    // there was skipped): held for it, the notice would wait the full window, and so would every
    // push after it, since they follow the notice. Called under the lock; returns what it passes.
    private static List<InboxPush> Skip(UserPushes user, InboxPush notice)
    {
        var passed = user.Early.Values.Where(early => !early.Order.IsAfter(notice.Order)).ToList();
        foreach (var early in passed) user.Early.Remove(early.PrevCursor);
        Release(user, notice);
        return passed;
    }

    // The predecessor may never come (lost, or sent before this node subscribed): send what waits
    // anyway, oldest first, and stand at the newest; devices pull for what they missed.
    private async Task GiveUpWaiting(string userId)
    {
        await Task.Delay(maxWait, clock);
        UserPushes? user;
        var stale = new List<InboxPush>();
        List<InboxPush>? given;
        lock (_users)
        {
            if (!_users.TryGetValue(userId, out user)) return;
            foreach (var early in user.Early.Values.OrderBy(p => p.Order, PushOrder.Comparer).ToList())
            {
                if (!user.Early.Remove(early.PrevCursor)) continue; // released already, after one released here
                if (user.Last is { } newest && !early.Order.IsAfter(newest)) stale.Add(early);
                else Release(user, early);
            }
            given = GiveUpIfFull(user);
        }
        foreach (var push in stale) dropped?.Invoke(push, Stale);
        if (given is not null) foreach (var push in given) dropped?.Invoke(push, Overflow);
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
        public PushOrder? Last { get; set; }
        public Dictionary<string, InboxPush> Early { get; } = new(StringComparer.Ordinal);
        public Queue<InboxPush> Outgoing { get; } = new();
        public SemaphoreSlim Sending { get; } = new(1, 1);

        public void Reset()
        {
            LastCursor = null;
            Last = null;
            Early.Clear();
        }
    }
}
