using Orleans.Timers;

namespace Seqline.Conversations;

/// <summary>
/// The reminder that brings a conversation back after a crash to finish its fan-out. It exists only
/// while there is work: it is registered before anything that leaves work behind is written, and
/// removed at a tick that finds none, so an idle conversation holds no reminder and can be
/// collected. Registering and removing take turns, so a removal never overtakes a registration
/// that work written after it depends on.
/// </summary>
internal sealed class RecoveryReminder(IReminderRegistry registry, GrainId grain, TimeSpan period)
{
    public const string Name = "fanout-recovery";

    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _registered;
    private bool _removing;

    /// <summary>Known to be registered (after a failure, it is registered again rather than trusted).</summary>
    public bool IsRegistered => _registered;

    /// <summary>
    /// The conversation was woken by the reminder: it exists, unless a removal is under way (a tick
    /// that raced it must not leave the reminder trusted once it is gone).
    /// </summary>
    public void Fired()
    {
        if (!_removing) _registered = true;
    }

    public async Task Ensure()
    {
        if (_registered) return;
        await _turn.WaitAsync();
        try
        {
            if (_registered) return;
            await registry.RegisterOrUpdateReminder(grain, Name, period, period);
            _registered = true;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Removes the reminder if <paramref name="idle"/> still holds once it is this call's turn.</summary>
    public async Task RemoveIf(Func<bool> idle)
    {
        await _turn.WaitAsync();
        try
        {
            if (!idle()) return;
            _removing = true;
            // Whatever happens next, the reminder is no longer known to exist: work that comes
            // later registers it again.
            _registered = false;
            var reminder = await registry.GetReminder(grain, Name);
            if (reminder is not null) await registry.UnregisterReminder(grain, reminder);
        }
        finally
        {
            _removing = false;
            _turn.Release();
        }
    }
}
