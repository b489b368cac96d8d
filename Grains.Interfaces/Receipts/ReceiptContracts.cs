namespace Seqline.Receipts;

/// <summary>
/// How far one member has got in a conversation: <paramref name="Delivered"/>, the newest seq a
/// device of theirs has synced past or acknowledged; <paramref name="Read"/>, their read position,
/// null when they do not share read receipts or the viewer does not (then neither sees the other's).
/// Who has read seq N is every member whose <paramref name="Read"/> is at least N.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.MemberReceipt")]
public sealed record MemberReceipt(
    [property: Id(0)] string UserId,
    [property: Id(1)] long? Read,
    [property: Id(2)] long Delivered);

/// <summary>
/// The positions of members that moved in a conversation since the last notice: ephemeral, handed
/// only to edge nodes with a device of the recipient connected now, at most one per conversation
/// per <c>Seqline:Receipts:Interval</c>, each position the newest.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.ReceiptsNotice")]
public sealed record ReceiptsNotice(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] IReadOnlyList<MemberReceipt> Members);

/// <summary>
/// A device has the conversation's messages up to <paramref name="Seq"/>: one entry of a batched
/// acknowledgement (hub method <c>DeliveredMany</c>), which an edge node checks against what it
/// pushed and merges per conversation before it tells the conversation's receipts.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.DeliveredPosition")]
public sealed record DeliveredPosition(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long Seq);

/// <summary>
/// A member's devices have the conversation's messages up to <paramref name="Seq"/>, as an edge node
/// that pushed them tells the conversation's receipts.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.MemberDelivered")]
public sealed record MemberDelivered(
    [property: Id(0)] string UserId,
    [property: Id(1)] long Seq);

/// <summary>Why a conversation shows no receipts.</summary>
public static class ReceiptsUnavailable
{
    /// <summary>The conversation is in read fan-out: no member's position is shared.</summary>
    public const string ReadFanout = "read_fanout";

    /// <summary>The group has more members than <c>Seqline:Receipts:MaxGroupSize</c>.</summary>
    public const string TooLarge = "too_large";
}

/// <summary>
/// Every other member's positions as the viewer may see them, or, when
/// <paramref name="Available"/> is false, none and the <paramref name="Reason"/> (see <see cref="ReceiptsUnavailable"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.ReceiptsView")]
public sealed record ReceiptsView(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] bool Available,
    [property: Id(2)] IReadOnlyList<MemberReceipt> Members,
    [property: Id(3)] string? Reason = null);

/// <summary>
/// A member's inbox tells the conversation's receipts where the member stands now; positions only
/// ever move forward, so an old or repeated move changes nothing. <paramref name="HideRead"/> is the
/// member's setting: their read position is shown to nobody, and they see nobody's.
/// </summary>
[GenerateSerializer, Immutable, Alias("Seqline.ReceiptMove")]
public sealed record ReceiptMove(
    [property: Id(0)] string UserId,
    [property: Id(1)] long Read,
    [property: Id(2)] long Delivered,
    [property: Id(3)] bool HideRead);
