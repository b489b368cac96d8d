namespace Seqline.Conversations;

/// <summary>
/// A group's role and title change process: the owner giving roles, the owner or an admin renaming
/// the group, and the activation's mend of roles a crash left behind the membership. Each change
/// holds new seqs back, stores the state (the change and its notices, pending) and appends the
/// notices (<see cref="ConversationNotices"/>). Who may do what is <see cref="RoleRules"/>.
/// </summary>
internal sealed class RoleChanges(
    ConversationStore store,
    ConversationNotices notices,
    SeqlineLimits limits)
{
    public async Task SetRole(RoleChange change)
    {
        store.RequireMember(change.ActorId);
        var changes = RoleRules.Assign(store.State.Kind, store.Roles, change, store.Membership.Contains, limits.MaxAdmins);
        if (changes.Count == 0) return;
        await notices.Write(() => store.Roles = store.Roles.With(changes), changes.Select(c => notices.Role(change.ActorId, c)));
    }

    public async Task SetTitle(string actorId, string? title)
    {
        store.RequireMember(actorId);
        title = string.IsNullOrEmpty(title) ? null : title;
        if (store.State.Kind == ConversationKind.Group) MembershipChangePlan.RequireTitle(title, limits);
        RoleRules.RequireMayRetitle(store.State.Kind, store.Roles, actorId);
        if (title == store.State.Title) return;
        await notices.Write(() => store.State.Title = title, [notices.Title(actorId, title)]);
    }

    /// <summary>
    /// On activation, after the pending notices: a crash between a change's member rows and its
    /// state can leave roles with users who left, or a group without its owner; this settles them as
    /// the change would have (a group from before roles gets its creator as owner, if still a member).
    /// </summary>
    public async Task Mend()
    {
        if (!store.Exists || store.State.Kind != ConversationKind.Group) return;
        var before = store.Roles;
        var (roles, heir) = RoleRules.Settle(before.Owner is null ? before with { Owner = store.State.CreatedBy } : before, store.Membership);
        if (roles.Equals(before)) return;
        var staged = notices.Stage(heir is { } h ? [notices.Role(before.Owner ?? store.State.CreatedBy, h)] : []);
        store.Roles = roles;
        await store.WriteState();
        await notices.Append(staged);
    }
}
