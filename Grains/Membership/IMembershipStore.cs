namespace Seqline.Membership;

/// <summary>
/// Who is in which conversation, one row per (conversation, user), so that a conversation's grain
/// state stays small however large the group: an Azure Table entity tops out near 1 MB, some
/// 40,000 user ids. A row also says whether the user's inbox has been told of the latest change.
/// </summary>
public interface IMembershipStore
{
    /// <summary>Every row of the conversation, in no particular order; none for an unknown one.</summary>
    Task<IReadOnlyList<MemberRow>> ReadAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes rows (replacing a user's row) and deletes rows. Idempotent: writing a row again or
    /// deleting a missing one changes nothing; a user in both lists is written. Not atomic across
    /// large changes: a caller that fails part-way reads the rows back before going on.
    /// </summary>
    Task ChangeAsync(string conversationId, IReadOnlyCollection<MemberRow> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default);
}

/// <summary>One user's place in a conversation.</summary>
/// <param name="Since">For a change not yet told: the seq it applies from (a joined user's first message).</param>
public sealed record MemberRow(string UserId, MemberStatus Status, long Since = 0);

public enum MemberStatus
{
    /// <summary>A member whose inbox knows it.</summary>
    Member = 0,

    /// <summary>A member whose inbox is still to be told that they joined.</summary>
    Joining = 1,

    /// <summary>No longer a member; their inbox is still to be told. The row goes once it is.</summary>
    Leaving = 2,
}
