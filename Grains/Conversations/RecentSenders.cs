namespace Seqline.Conversations;

/// <summary>
/// The senders of a conversation's newest <see cref="Capacity"/> seqs, as they are stored: a ring
/// indexed by seq, so recording costs no allocation. It knows nothing stored before the activation
/// began, so a range reaching below that, or below the ring, is unknown rather than guessed.
/// </summary>
public sealed class RecentSenders
{
    /// <summary>Enough for a busy group between two receipts notices (2 s apart by default).</summary>
    public const int Capacity = 256;

    private string[]? _senders;
    private long _head;
    private long _knownAfter;

    /// <summary>Nothing at or below <paramref name="head"/> is known.</summary>
    public void Start(long head) => _head = _knownAfter = head;

    /// <summary>Seqs durably stored, in order, right after the last ones recorded.</summary>
    public void Stored(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            // A gap (never expected: seqs are stored in order) makes what came before unknown.
            if (message.Seq != _head + 1) _knownAfter = message.Seq - 1;
            (_senders ??= new string[Capacity])[message.Seq % Capacity] = message.SenderId;
            _head = message.Seq;
        }
        _knownAfter = Math.Max(_knownAfter, _head - Capacity);
    }

    /// <summary>The senders of (<paramref name="after"/>, <paramref name="upTo"/>] (no further than stored); null when any is unknown.</summary>
    public IReadOnlyList<SentBy>? Between(long after, long upTo)
    {
        if (after < _knownAfter) return null;
        upTo = Math.Min(upTo, _head);
        if (upTo <= after) return [];
        var sent = new List<SentBy>((int)(upTo - after));
        for (var seq = after + 1; seq <= upTo; seq++) sent.Add(new SentBy(seq, _senders![seq % Capacity]));
        return sent;
    }
}
