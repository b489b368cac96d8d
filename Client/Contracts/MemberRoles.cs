namespace Seqline.Client;

/// <summary>Roles in a group: values of <see cref="SyncEvent.Role"/> and of <see cref="Conversation.RoleOf"/>.</summary>
/// <remarks>
/// The owner (one; the creator at first) gives roles and hands ownership over; the owner and admins add and remove
/// members (admins plain members only) and rename the group; every member may leave. Direct conversations have no roles.
/// </remarks>
public static class MemberRoles
{
    /// <summary>The group's one owner.</summary>
    public const string Owner = "owner";

    /// <summary>Manages members and the title with the owner.</summary>
    public const string Admin = "admin";

    /// <summary>A plain member.</summary>
    public const string Member = "member";
}
