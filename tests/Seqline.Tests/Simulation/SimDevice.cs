using Seqline.Inboxes;
using Seqline.Push;

namespace Seqline.Tests.Simulation;

/// <summary>
/// A device as the protocol asks clients to behave: it keeps its cursor, pulls until it has
/// everything, and applies a push only when the push follows its cursor. Pushes that arrive while
/// it pulls wait for the pull and are then applied or dropped by the same rule.
/// </summary>
public sealed class SimDevice(string userId, int number)
{
    private readonly List<SyncEvent> _received = [];
    private readonly List<(string Cursor, int Count)> _saved = [];
    private readonly List<InboxPush> _heldPushes = [];
    private readonly SemaphoreSlim _pulling = new(1, 1);
    private bool _isPulling;

    public string UserId => userId;
    public string Name => $"{userId}/d{number}";
    public string? Cursor { get; private set; }

    /// <summary>Resets after the first pull: there is no retention in a simulation, so each is a violation.</summary>
    public int LateResets { get; private set; }

    /// <summary>Every event this device took in, pulled or pushed, in the order it took them.</summary>
    public IReadOnlyList<SyncEvent> Received
    {
        get { lock (_received) return _received.ToList(); }
    }

    /// <summary>Cursors the device stood at, each with how many events it had received there.</summary>
    public IReadOnlyList<(string Cursor, int Count)> Saved
    {
        get { lock (_received) return _saved.ToList(); }
    }

    /// <summary>Pulls until the inbox says there is no more (or a bounded number of pages).</summary>
    public async Task Pull(IInboxGrain inbox, int limit)
    {
        await _pulling.WaitAsync();
        lock (_received) _isPulling = true;
        try
        {
            for (var page = 0; page < 500; page++)
            {
                var result = await inbox.Sync(Cursor, limit);
                lock (_received)
                {
                    if (result.Reset && Cursor is not null) LateResets++;
                    _received.AddRange(result.Events);
                    Cursor = result.Cursor;
                    _saved.Add((Cursor, _received.Count));
                }
                if (!result.HasMore) return;
            }
            throw new InvalidOperationException($"{Name} pulled 500 pages and the inbox still had more.");
        }
        finally
        {
            List<InboxPush> held;
            lock (_received)
            {
                _isPulling = false;
                held = _heldPushes.ToList();
                _heldPushes.Clear();
                foreach (var push in held) Apply(push);
            }
            _pulling.Release();
        }
    }

    public void OnPush(InboxPush push)
    {
        lock (_received)
        {
            if (_isPulling) _heldPushes.Add(push);
            else Apply(push);
        }
    }

    // Under the lock.
    private void Apply(InboxPush push)
    {
        if (Cursor is null || push.PrevCursor != Cursor) return;
        _received.AddRange(push.Events);
        Cursor = push.Cursor;
        _saved.Add((Cursor, _received.Count));
    }
}

/// <summary>Stands in for the edge node of one user: hands pushes to the user's online devices and keeps them all.</summary>
public sealed class SimEdge(IReadOnlyList<SimDevice> devices) : IInboxObserver
{
    private readonly List<InboxPush> _pushes = [];

    public IReadOnlyList<InboxPush> Pushes
    {
        get { lock (_pushes) return _pushes.ToList(); }
    }

    public Task OnPush(InboxPush push)
    {
        lock (_pushes) _pushes.Add(push);
        foreach (var device in devices) device.OnPush(push);
        return Task.CompletedTask;
    }

    // The simulation is about sync; typing is not part of it.
    public Task OnTyping(string userId, Seqline.Presence.TypingNotice notice) => Task.CompletedTask;

    public Task OnReceipts(string userId, Seqline.Receipts.ReceiptsNotice notice) => Task.CompletedTask;

    public Task OnReceiptsMany(string userId, IReadOnlyList<Seqline.Receipts.ReceiptsNotice> notices) => Task.CompletedTask;
}
