namespace Seqline.Conversations;

/// <summary>
/// The receipts of the most recent sends, by (sender, clientMsgId). Kept in memory and rebuilt
/// from the tail of the storage timeline on activation, so it needs no state of its own and
/// survives a crash exactly as far as the timeline does.
/// </summary>
internal sealed class SendDeduplicator(int window)
{
    private readonly Dictionary<(string Sender, string ClientMsgId), SendReceipt> _receipts = [];
    private readonly Queue<(string, string)> _order = new();

    public bool TryGet(string sender, string clientMsgId, out SendReceipt receipt) =>
        _receipts.TryGetValue((sender, clientMsgId), out receipt!);

    public void Remember(string sender, string clientMsgId, SendReceipt receipt)
    {
        if (!_receipts.TryAdd((sender, clientMsgId), receipt)) return;
        _order.Enqueue((sender, clientMsgId));
        while (_order.Count > window) _receipts.Remove(_order.Dequeue());
    }
}
