using Seqline.Presence;

namespace Seqline.Inboxes;

/// <summary>
/// Typing and presence (<see cref="IInboxPresence"/>), read from the push registrations the edge
/// nodes keep here anyway. The calls that only read interleave with whatever the inbox is doing and
/// do nothing that awaits, so they never see its state half changed. Nothing here appends an event;
/// the only write is a settings change, and last seen rides along with the inbox's own checkpoints.
/// </summary>
public sealed partial class InboxGrain
{
    private PresenceClock _presence = null!;

    public Task Typing(TypingNotice notice)
    {
        // An expired registration is an edge node that stopped renewing: nobody to hand it to.
        _observers.ClearExpired();
        if (_observers.Count > 0) _observers.Notify(o => o.OnTyping(UserId, notice));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ConversationIds() =>
        Task.FromResult<IReadOnlyList<string>>(_index.Entries.Select(e => e.Key).ToList());

    public Task<PresenceView?> GetPresence(IReadOnlyList<string> viewerConversations)
    {
        var shares = viewerConversations.Any(id => _index.TryGet(id, out _));
        return Task.FromResult(shares ? _presence.Seen(IsOnline()) : null);
    }

    public Task<PresenceView> GetOwnPresence() => Task.FromResult(_presence.Own(IsOnline()));

    public Task<UserSettings> GetSettings() => Task.FromResult(Settings);

    public async Task<UserSettings> ChangeSettings(UserSettings settings)
    {
        RequireUsable();
        var receipts = settings.HideReadReceipts != _hideReadReceipts;
        if (_presence.Hide(settings.HidePresence) | receipts) await Checkpoint();
        if (receipts) HideReadReceipts(settings.HideReadReceipts);
        return Settings;
    }

    private UserSettings Settings => new(_presence.Hidden, _hideReadReceipts);

    private bool IsOnline()
    {
        _observers.ClearExpired();
        return _observers.Count > 0;
    }

    // The inbox's state carries presence: taken out on activation, put in before each state write.
    private void LoadPresence()
    {
        _presence = new PresenceClock(UserId, Checkpointed.LastSeen, Checkpointed.HidePresence);
        _hideReadReceipts = Checkpointed.HideReadReceipts;
    }

    private void SavingPresence()
    {
        Checkpointed.LastSeen = _presence.LastSeen;
        Checkpointed.HidePresence = _presence.Hidden;
        Checkpointed.HideReadReceipts = _hideReadReceipts;
    }
}
