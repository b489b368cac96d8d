namespace Seqline.Conversations;

/// <summary>
/// The receipts of the most recent sends, by (sender, clientMsgId): at most <c>window</c>, and
/// always the newest by seq, whatever order they were remembered in (an activation rebuilds them
/// from the tail of the timeline, newest page first). Kept in memory only, so it survives a crash
/// exactly as far as the timeline does.
/// </summary>
internal sealed class SendDeduplicator(int window)
{
    private readonly Dictionary<(string Sender, string ClientMsgId), SendReceipt> _receipts = [];
    private readonly SortedDictionary<long, (string, string)> _bySeq = [];

    public int Count => _receipts.Count;

    public bool TryGet(string sender, string clientMsgId, out SendReceipt receipt) =>
        _receipts.TryGetValue((sender, clientMsgId), out receipt!);

    public void Remember(string sender, string clientMsgId, SendReceipt receipt)
    {
        if (_receipts.ContainsKey((sender, clientMsgId))) return;
        if (_receipts.Count >= window)
        {
            var (oldest, key) = _bySeq.First();
            if (oldest > receipt.Seq) return; // older than everything kept: outside the window
            _bySeq.Remove(oldest);
            _receipts.Remove(key);
        }
        _receipts[(sender, clientMsgId)] = receipt;
        _bySeq[receipt.Seq] = (sender, clientMsgId);
    }
}
