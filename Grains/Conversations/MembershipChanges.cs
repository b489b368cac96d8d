using Seqline.Hosting;

namespace Seqline.Conversations;

/// <summary>
/// A conversation's membership change process: creating it with its founders, and adding and
/// removing members. A change registers the recovery reminder, holds new seqs back and waits for
/// the append under way (so it takes effect from the next stored seq, whatever becomes of that
/// append), writes the rows, switches the fan-out mode if the count calls for it (state, then the
/// published modes), and only then lets sends go on and the fan-out tell the inboxes; the call waits
/// a moment for that first round and answers either way, since the change is stored. On activation
/// it mends a switch that a crash left unstored. What a change is allowed to do is
/// <see cref="MembershipChangePlan"/> and, by the actor's role, <see cref="RoleRules"/>; the rows
/// it writes come from <see cref="Membership"/>. Roles follow the members in the same change: the
/// roles of those who left go, and the owner leaving passes ownership on, with a <c>role</c> notice.
/// </summary>
internal sealed class MembershipChanges(
    ConversationStore store,
    ConversationSends sends,
    ConversationNotices notices,
    ConversationFanout fanout,
    RecoveryReminder reminder,
    SeqlineLimits limits,
    FanoutOptions fanoutOptions,
    TimeProvider clock)
{
    // How long a change waits for its inboxes to be told before it answers anyway.
    private static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A crash between a change's rows and its state can leave the mode behind the count, and one
    /// between the state and the published modes leaves those behind: mends both.
    /// </summary>
    public async Task Mend(long nextSeq, CancellationToken cancellationToken)
    {
        if (store.Exists && SwitchModeFor(nextSeq)) await store.WriteState();
        var published = await store.ModesPublished(cancellationToken);
        if (store.Exists && !published) await store.PublishModes();
    }

    public async Task Create(NewConversation request)
    {
        var founders = MembershipChangePlan.Founders(store.Id, request, limits);
        store.RequireUsable();
        if (store.Exists)
        {
            if (request.Kind == ConversationKind.Direct && store.State.Kind == ConversationKind.Direct) return;
            throw new SeqlineException(ErrorCode.Conflict, $"Conversation '{store.Id}' exists already.");
        }

        await reminder.Ensure();
        // Rows left by a create that failed before its state was written are not members.
        await store.UpdateRows(_ => MembershipChangePlan.FounderRows(founders), MembershipChangePlan.Leftovers(store.Membership, founders));
        store.State = new ConversationState
        {
            Kind = request.Kind,
            Title = request.Title,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = request.CreatorId,
            Owner = request.Kind == ConversationKind.Group ? request.CreatorId : null,
            FanoutChanges = FanoutModes.Initial(founders.Count, fanoutOptions.ReadFanoutAbove),
        };
        await store.WriteState();
        await store.PublishModes();
        await TellInboxes();
    }

    public async Task Change(MembershipChange change)
    {
        store.RequireMember(change.ActorId);
        if (!MembershipChangePlan.Changes(store.State.Kind, store.Membership.Members, change, limits.MaxMembers)) return;
        var (adding, removing) = MembershipChangePlan.Effect(store.State.Kind, store.Membership.Members, change);
        RoleRules.RequireMayChangeMembers(store.Roles, change.ActorId, adding, removing);
        store.RequireUsable();

        // No seq is assigned while the change is stored, and an append under way finishes first,
        // so every message from `since` on is for the new members, and `since` follows what is
        // durable, whatever becomes of an append that fails.
        try
        {
            await sends.Hold();
            store.RequireUsable();
            var since = sends.Head + 1;
            await reminder.Ensure();
            await store.UpdateRows(m => m.Change(change.Add, change.Remove, since));
            var (roles, heir) = RoleRules.Settle(store.Roles, store.Membership);
            var staged = notices.Stage(heir is { } h ? [notices.Role(change.ActorId, h)] : []);
            var rolesChanged = !roles.Equals(store.Roles);
            store.Roles = roles;
            var switched = SwitchModeFor(since);
            if (switched || rolesChanged) await store.WriteState();
            if (switched) await store.PublishModes();
            await notices.Append(staged);
        }
        finally
        {
            sends.Release();
        }
        await TellInboxes();
    }

    private bool SwitchModeFor(long nextSeq) =>
        store.Modes.SwitchFor(store.Membership.Count, nextSeq, fanoutOptions.ReadFanoutAbove, fanoutOptions.WriteFanoutAtOrBelow);

    // Gives the fan-out a moment to tell the inboxes, so that the caller usually finds the
    // members' conversation lists up to date; the change is stored either way.
    private async Task TellInboxes()
    {
        try
        {
            await fanout.NoticesTried().WaitAsync(NoticeWait);
        }
        catch (TimeoutException)
        {
        }
    }
}
