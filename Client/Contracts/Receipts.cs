namespace Seqline.Client;

/// <summary>How far another member has got in a conversation.</summary>
/// <param name="UserId">The member.</param>
/// <param name="Read">Their read position; null when they do not share it, or the user does not (then neither sees the other's).</param>
/// <param name="Delivered">The newest seq a device of theirs has; never behind <paramref name="Read"/>.</param>
public sealed record MemberReceipt(string UserId, long? Read, long Delivered);

/// <summary>Members' positions moved in a conversation (the hub's <c>receipts</c>): each member's newest, coalesced by the server.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Members">The members that moved.</param>
public sealed record ReceiptsNotice(string ConversationId, IReadOnlyList<MemberReceipt> Members);

/// <summary>The other members' positions in a conversation, or why it shows none.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Available">False in read fan-out and in groups over the server's limit; then <paramref name="Members"/> is empty.</param>
/// <param name="Members">Every other member's positions (0 for members not heard from yet).</param>
/// <param name="Reason"><c>read_fanout</c> or <c>too_large</c> when not available.</param>
public sealed record ConversationReceipts(string ConversationId, bool Available, IReadOnlyList<MemberReceipt> Members, string? Reason = null)
{
    /// <summary>The members who have read <paramref name="seq"/>: those whose read position is at or past it.</summary>
    public IReadOnlyList<string> ReadBy(long seq) => Members.Where(m => m.Read >= seq).Select(m => m.UserId).ToList();

    /// <summary>The members a device of whom has <paramref name="seq"/>.</summary>
    public IReadOnlyList<string> DeliveredTo(long seq) => Members.Where(m => m.Delivered >= seq).Select(m => m.UserId).ToList();

    /// <summary>These positions with a notice's newer ones applied (positions only move forward; a hidden read stays hidden).</summary>
    public ConversationReceipts With(ReceiptsNotice notice)
    {
        var moved = notice.Members.ToDictionary(m => m.UserId, StringComparer.Ordinal);
        var members = Members.Select(m => moved.Remove(m.UserId, out var n)
            ? new MemberReceipt(m.UserId, n.Read is null ? null : Math.Max(n.Read.Value, m.Read ?? 0), Math.Max(n.Delivered, m.Delivered))
            : m).Concat(moved.Values).ToList();
        return this with { Members = members };
    }
}
