using Seqline.Conversations;

namespace Seqline.Inboxes;

/// <summary>
/// The user's conversation index: one entry per conversation the user is in, rebuilt from the sync
/// timeline's events (<see cref="Apply"/> is idempotent, so replaying events the index has seen
/// changes nothing), and the set of entries changed since the last checkpoint. It also decides
/// which events a request turns into; the inbox appends them and only then applies them, so
/// nothing here changes before the events are durable.
/// </summary>
public sealed class ConversationIndex(string userId)
{
    public const int PreviewLength = 100;
    public const int MaxRecentRecalls = 100;
    public const int MaxHidden = 1000;
    public const int MaxMentions = 1000;
    public const int MaxChanges = 1000;

    private readonly Dictionary<string, ConversationIndexEntry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private Dictionary<ulong, string>? _cursorKeys;

    public int Count => _entries.Count;

    public bool Contains(string conversationId) => _entries.ContainsKey(conversationId);

    public bool TryGet(string conversationId, out ConversationIndexEntry entry) => _entries.TryGetValue(conversationId, out entry!);

    public IEnumerable<KeyValuePair<string, ConversationIndexEntry>> Entries => _entries;

    /// <summary>The conversations whose newest messages stay in their own timelines.</summary>
    public IEnumerable<KeyValuePair<string, ConversationIndexEntry>> ReadFanout => _entries.Where(c => c.Value.Fanout == FanoutMode.Read);

    /// <summary>The entry of a conversation the user is in; anything else is forbidden.</summary>
    public ConversationIndexEntry Member(string conversationId) => _entries.TryGetValue(conversationId, out var entry)
        ? entry
        : throw SeqlineException.Forbidden($"'{userId}' is not a member of '{conversationId}'.");

    /// <summary>An entry as the last checkpoint stored it.</summary>
    public void Load(string conversationId, ConversationIndexEntry entry) => _entries[conversationId] = entry;

    public bool HasChanges => _changed.Count > 0;

    /// <summary>What a checkpoint writes: the changed entries, and the ids of those gone.</summary>
    public (List<string> Changed, List<KeyValuePair<string, ConversationIndexEntry>> Write, List<string> Delete) Changes()
    {
        var changed = _changed.ToList();
        return (changed,
            changed.Where(_entries.ContainsKey).Select(id => KeyValuePair.Create(id, _entries[id])).ToList(),
            changed.Where(id => !_entries.ContainsKey(id)).ToList());
    }

    /// <summary>The changes a checkpoint stored (later ones stay pending).</summary>
    public void Checkpointed(IEnumerable<string> changed) => _changed.ExceptWith(changed);

    /// <summary>A conversation's title, kind and mode as it told them; a new entry starts empty.</summary>
    public void Track(ConversationRef conversation, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(conversation.ConversationId, out var entry))
        {
            // Where the user's messages start is the joined event's business, not this row's.
            _entries[conversation.ConversationId] = entry = new ConversationIndexEntry { LastActivity = now, Fanout = conversation.Fanout };
        }
        entry.Title = conversation.Title;
        entry.Kind = conversation.Kind;
        _changed.Add(conversation.ConversationId);
    }

    /// <summary>The conversation a cursor's hashed key stands for, among the user's own.</summary>
    /// <remarks>
    /// Rebuilt on a miss, so a conversation joined since it was built is never taken for one the user has left.
    /// </remarks>
    public string? ConversationOfCursorKey(ulong hash)
    {
        if (_cursorKeys is not null && _cursorKeys.TryGetValue(hash, out var known) && _entries.ContainsKey(known)) return known;
        _cursorKeys = new Dictionary<ulong, string>(_entries.Count);
        foreach (var id in _entries.Keys) _cursorKeys.TryAdd(SyncCursorCodec.HashOf(id), id);
        return _cursorKeys.GetValueOrDefault(hash);
    }

    /// <summary>
    /// The events a conversation's delivery turns into: a later fan-out switch (or a second one at
    /// the same seq, when the conversation switched back before any message there), the messages
    /// past the last one delivered, and recalls not applied yet. A delivery with anything in it for
    /// a conversation the user has not joined is refused, so that the conversation tells the join
    /// (again) before delivering.
    /// </summary>
    public List<SyncEvent> EventsOf(InboxDelivery delivery)
    {
        var id = delivery.Conversation.ConversationId;
        if (!_entries.TryGetValue(id, out var entry))
        {
            if (delivery.Messages.Count > 0 || delivery.Change is not null)
                throw new SeqlineException(ErrorCode.Conflict, $"'{userId}' has not joined '{id}'.");
            return [];
        }
        // Indexed loops rather than LINQ over lambdas that capture the entry: this runs for every
        // member of every delivery, and each capture, delegate and enumerator would be an allocation.
        var events = new List<SyncEvent>(delivery.Messages.Count);
        if (delivery.Change is { } change && (change.Since > entry.FanoutSince || change.Since == entry.FanoutSince && change.Mode != entry.Fanout))
            events.Add(new SyncEvent(SyncEventTypes.Fanout, id, change.Since, Fanout: change.Mode));
        var messages = delivery.Messages;
        for (var i = 0; i < messages.Count; i++)
            if (messages[i].Seq > entry.LastSeq) events.Add(RecalledCopies.WithoutRecalledQuote(SyncEvent.For(messages[i]), entry.RecentRecalls));
        if (delivery.Recalls is { } recalls)
            for (var i = 0; i < recalls.Count; i++)
                if (!entry.RecentRecalls.Contains(recalls[i])) events.Add(new SyncEvent(SyncEventTypes.Recall, id, recalls[i]));
        return events;
    }

    /// <summary>Mentions in a read-fan-out conversation not read and not known yet.</summary>
    public List<SyncEvent> MentionsOf(string conversationId, IReadOnlyList<long> seqs) =>
        _entries.TryGetValue(conversationId, out var entry)
            ? seqs.Where(s => s > entry.ReadSeq && !entry.MentionSeqs.Contains(s)).Distinct().Order()
                .Select(s => new SyncEvent(SyncEventTypes.Mention, conversationId, s)).ToList()
            : [];

    /// <summary>
    /// The user wrote the message at <paramref name="seq"/> of a read-fan-out conversation, so has
    /// read up to it (in write fan-out the message event itself moves the read position).
    /// </summary>
    public SyncEvent? Wrote(string conversationId, long seq) =>
        _entries.TryGetValue(conversationId, out var entry) && seq > entry.ReadSeq ? new SyncEvent(SyncEventTypes.Read, conversationId, seq) : null;

    /// <summary>
    /// A read position moved to <paramref name="seq"/>, capped at <paramref name="lastSeq"/>; none when it would not move.
    /// </summary>
    public SyncEvent? ReadTo(string conversationId, long seq, long lastSeq)
    {
        if (seq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        var target = Math.Min(seq, lastSeq);
        return target > Member(conversationId).ReadSeq ? new SyncEvent(SyncEventTypes.Read, conversationId, target) : null;
    }

    /// <summary>One message hidden; none when it is hidden or cleared already.</summary>
    public SyncEvent? Hide(string conversationId, long seq, long lastSeq)
    {
        var entry = Member(conversationId);
        if (seq < 1 || seq > lastSeq) throw SeqlineException.Invalid($"'{conversationId}' has no message {seq}.");
        return seq > entry.ClearedThrough && !entry.Hidden.Contains(seq) ? new SyncEvent(SyncEventTypes.Hidden, conversationId, seq) : null;
    }

    /// <summary>The conversation cleared through <paramref name="throughSeq"/> (capped at the last message).</summary>
    public SyncEvent? ClearThrough(string conversationId, long throughSeq, long lastSeq)
    {
        var entry = Member(conversationId);
        if (throughSeq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        var target = Math.Min(throughSeq, lastSeq);
        return target > entry.ClearedThrough ? new SyncEvent(SyncEventTypes.Cleared, conversationId, target) : null;
    }

    /// <summary>The conversation muted or unmuted; none when it is so already.</summary>
    public SyncEvent? Mute(string conversationId, bool muted, long lastSeq) => Member(conversationId).Muted == muted
        ? null
        : new SyncEvent(muted ? SyncEventTypes.Muted : SyncEventTypes.Unmuted, conversationId, lastSeq);

    /// <summary>What the user hid; a conversation the index does not know hid nothing.</summary>
    public HiddenMessages HiddenOf(string conversationId) => _entries.TryGetValue(conversationId, out var entry)
        ? new HiddenMessages(entry.ClearedThrough, entry.Hidden.ToList())
        : new HiddenMessages(0, []);

    /// <summary>Applies one durable event; <paramref name="now"/> dates an entry that an event creates.</summary>
    public void Apply(SyncEvent e, DateTimeOffset now)
    {
        _changed.Add(e.ConversationId);
        if (e.Type == SyncEventTypes.Left)
        {
            _entries.Remove(e.ConversationId);
            return;
        }
        if (!_entries.TryGetValue(e.ConversationId, out var entry))
            _entries[e.ConversationId] = entry = new ConversationIndexEntry { LastActivity = e.SentAt ?? now };
        switch (e.Type)
        {
            case SyncEventTypes.Message:
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq);
                entry.LastMessage = new MessagePreview(e.Seq, e.SenderId!, e.SentAt!.Value, Preview(e.Body!));
                entry.LastActivity = e.SentAt.Value;
                // Writing a message means having read up to it.
                if (e.SenderId == userId) ReadUpTo(entry, e.Seq);
                else if (e.Mentions?.Contains(userId) == true) Mention(entry, e.Seq);
                break;
            case SyncEventTypes.Role or SyncEventTypes.Title:
                // A notice takes a seq like a message, without becoming the preview; its author has read it.
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq);
                entry.LastActivity = e.SentAt ?? entry.LastActivity;
                if (e.Type == SyncEventTypes.Title) entry.Title = e.Title;
                if (e.SenderId == userId) ReadUpTo(entry, e.Seq);
                break;
            case SyncEventTypes.Edited or SyncEventTypes.Reaction:
                // A change of an earlier message takes a seq but is no news: not unread, not the
                // preview (unless it edits the preview's message), not a read position.
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq);
                if (e.Seq > entry.ReadSeq && !entry.ChangeSeqs.Contains(e.Seq))
                {
                    entry.ChangeSeqs.Add(e.Seq);
                    if (entry.ChangeSeqs.Count > MaxChanges) entry.ChangeSeqs.RemoveAt(0);
                }
                if (e.Type == SyncEventTypes.Edited && entry.LastMessage is { } last && last.Seq == e.TargetSeq)
                    entry.LastMessage = last with { Body = Preview(e.Body ?? "") };
                break;
            case SyncEventTypes.Read:
                ReadUpTo(entry, e.Seq);
                break;
            case SyncEventTypes.Mention:
                Mention(entry, e.Seq);
                break;
            case SyncEventTypes.Hidden:
                if (entry.Hidden.Contains(e.Seq)) break;
                entry.Hidden.Add(e.Seq);
                if (entry.Hidden.Count > MaxHidden) entry.Hidden.RemoveAt(0);
                break;
            case SyncEventTypes.Cleared:
                entry.ClearedThrough = Math.Max(entry.ClearedThrough, e.Seq);
                entry.Hidden.RemoveAll(seq => seq <= entry.ClearedThrough);
                ReadUpTo(entry, e.Seq);
                break;
            case SyncEventTypes.Muted or SyncEventTypes.Unmuted:
                entry.Muted = e.Type == SyncEventTypes.Muted;
                break;
            case SyncEventTypes.Recall:
                // Replayed after its message's event, a recall must blank the preview again even if
                // the row already lists it.
                if (!entry.RecentRecalls.Contains(e.Seq)) entry.RecentRecalls.Add(e.Seq);
                if (entry.RecentRecalls.Count > MaxRecentRecalls) entry.RecentRecalls.RemoveAt(0);
                if (entry.LastMessage?.Seq == e.Seq) entry.LastMessage = entry.LastMessage with { Body = "" };
                break;
            case SyncEventTypes.Joined or SyncEventTypes.Fanout:
                // From here on messages come through this inbox (write) or from the conversation (read);
                // either way nothing below the switch is delivered here any more.
                entry.Fanout = e.Fanout ?? FanoutMode.Write;
                entry.FanoutSince = e.Seq;
                entry.LastSeq = Math.Max(entry.LastSeq, e.Seq - 1);
                // What was said before someone joined is history to them, not unread news.
                if (e.Type == SyncEventTypes.Joined) ReadUpTo(entry, e.Seq - 1);
                break;
        }
    }

    /// <summary>
    /// A conversation's row for lists. <paramref name="newest"/>, for a read-fan-out conversation
    /// (its newest messages are not here), are the newest entries the user may read in its own
    /// timeline, ascending: the newest of them sets the last seq, the newest message among them the
    /// preview, and the edits and reactions among them are not unread, as the changes the inbox saw
    /// itself are not.
    /// </summary>
    public static ConversationSummary Summary(string conversationId, ConversationIndexEntry e, IReadOnlyList<ChatMessage>? newest = null)
    {
        var (lastSeq, lastMessage) = (e.LastSeq, e.LastMessage);
        var changes = e.ChangeSeqs.Where(s => s > e.ReadSeq).ToHashSet();
        if (newest is { Count: > 0 } && newest[^1].Seq > lastSeq)
        {
            lastSeq = newest[^1].Seq;
            if (newest.LastOrDefault(m => m.Type is null) is { } message && message.Seq > (lastMessage?.Seq ?? 0))
                lastMessage = new MessagePreview(message.Seq, message.SenderId, message.SentAt, Preview(message.Body));
            changes.UnionWith(newest.Where(m => m.Seq > e.ReadSeq && SyncEventTypes.IsChange(m.Type)).Select(m => m.Seq));
        }
        if (lastMessage is not null && (lastMessage.Seq <= e.ClearedThrough || e.Hidden.Contains(lastMessage.Seq))) lastMessage = null;
        return new(conversationId, e.Title, e.Kind, e.Fanout, lastSeq, e.ReadSeq, Math.Max(0, lastSeq - e.ReadSeq - changes.Count), lastMessage,
            e.MentionSeqs.Count(s => s > e.ReadSeq), e.ClearedThrough, e.Muted);
    }

    /// <summary>Rows in list order: most recently active first, ties by id.</summary>
    public List<ConversationSummary> Ordered(IEnumerable<ConversationSummary> rows) => rows
        .OrderByDescending(r => r.LastMessage?.SentAt ?? (_entries.TryGetValue(r.ConversationId, out var e) ? e.LastActivity : DateTimeOffset.MinValue))
        .ThenBy(r => r.ConversationId, StringComparer.Ordinal)
        .ToList();

    private static void Mention(ConversationIndexEntry entry, long seq)
    {
        if (seq <= entry.ReadSeq || entry.MentionSeqs.Contains(seq)) return;
        entry.MentionSeqs.Add(seq);
        if (entry.MentionSeqs.Count > MaxMentions) entry.MentionSeqs.RemoveAt(0);
    }

    private static void ReadUpTo(ConversationIndexEntry entry, long seq)
    {
        entry.ReadSeq = Math.Max(entry.ReadSeq, seq);
        entry.MentionSeqs.RemoveAll(s => s <= entry.ReadSeq);
        entry.ChangeSeqs.RemoveAll(s => s <= entry.ReadSeq);
    }

    private static string Preview(string body) => body.Length <= PreviewLength ? body : body[..PreviewLength];
}
