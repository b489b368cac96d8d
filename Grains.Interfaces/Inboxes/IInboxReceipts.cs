using Orleans.Concurrency;
using Seqline.Receipts;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox role for receipts others see (<see cref="IConversationReceipts"/>): the edge reports a
/// device's single acknowledgement (batched ones go to the receipts directly), and receipts notices pass through to the user's
/// online devices. Nothing here appends to the sync timeline or writes a store.
/// </summary>
[Alias("Seqline.Inboxes.IInboxReceipts")]
public interface IInboxReceipts : IGrainWithStringKey
{
    /// <summary>
    /// A device of the user has the conversation's messages up to <paramref name="seq"/> (capped at
    /// the newest the inbox has): the user's delivered position moves there. Refused (<c>forbidden</c>)
    /// for a conversation the user is not in.
    /// </summary>
    [AlwaysInterleave, Alias("Delivered")]
    Task Delivered(string conversationId, long seq);

    /// <summary>Hands <paramref name="notice"/> to the edge nodes with a device of the user connected; with none, it is dropped.</summary>
    [OneWay, AlwaysInterleave, Alias("Receipts")]
    Task Receipts(ReceiptsNotice notice);
}
