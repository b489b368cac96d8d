using Orleans.Concurrency;

namespace Seqline.Receipts;

/// <summary>
/// A conversation's receipts (keyed by conversation id, beside the conversation grain so that sends
/// never wait for them): every member's read and delivered positions, kept in memory, saved now and
/// then, and told to the other members' online devices, coalesced. Only in direct conversations and
/// groups of up to <c>Seqline:Receipts:MaxGroupSize</c> members in write fan-out.
/// </summary>
[Alias("Seqline.Receipts.IConversationReceipts")]
public interface IConversationReceipts : IGrainWithStringKey
{
    /// <summary>A member's inbox says where the member stands (internal: only inboxes call it).</summary>
    [OneWay, Alias("Moved")]
    Task Moved(ReceiptMove move);

    /// <summary>
    /// Members' devices acknowledged pushed messages: each member's delivered position moves up to
    /// the seq (internal: only edge nodes call it, with what they pushed to that member). Users who
    /// are not members are skipped.
    /// </summary>
    [OneWay, Alias("Delivered")]
    Task Delivered(IReadOnlyList<MemberDelivered> members);

    /// <summary>
    /// The other members' positions as <paramref name="viewerId"/> may see them; read positions none
    /// when <paramref name="viewerHidesRead"/>. A viewer who is not a member is refused as by the
    /// conversation (<c>not_found</c>, <c>forbidden</c>).
    /// </summary>
    [Alias("Get")]
    Task<ReceiptsView> Get(string viewerId, bool viewerHidesRead);
}
