namespace Seqline.Conversations;

/// <summary>
/// Who is in a conversation, and what each member's inbox has still to learn: the in-memory form
/// of the conversation's member rows. It changes only through <see cref="Apply"/>, with rows the
/// grain has stored, so memory never runs ahead of storage.
/// </summary>
public sealed class Membership
{
    private readonly Dictionary<string, MemberRow> _rows = new(StringComparer.Ordinal);
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberRow> _unsettled = new(StringComparer.Ordinal);

    public int Count => _members.Count;

    public IReadOnlyCollection<string> Members => _members;

    public bool Contains(string userId) => _members.Contains(userId);

    public MemberRow? RowOf(string userId) => _rows.GetValueOrDefault(userId);

    /// <summary>Rows with something left to tell, deliver or catch up: few, next to the members.</summary>
    public IReadOnlyCollection<MemberRow> Unsettled => _unsettled.Values;

    /// <summary>Users whose inbox fell behind and is caught up on its own.</summary>
    public IEnumerable<MemberRow> Stragglers => _unsettled.Values.Where(r => r.IsBehind);

    /// <summary>Takes in stored rows (a row that <see cref="MemberRow.IsGone"/> is forgotten).</summary>
    public void Apply(IEnumerable<MemberRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.IsGone)
            {
                _rows.Remove(row.UserId);
                _members.Remove(row.UserId);
                _unsettled.Remove(row.UserId);
                continue;
            }
            _rows[row.UserId] = row;
            if (row.IsMember) _members.Add(row.UserId);
            else _members.Remove(row.UserId);
            if (row.IsSettled) _unsettled.Remove(row.UserId);
            else _unsettled[row.UserId] = row;
        }
    }

    /// <summary>
    /// The rows to store for adding and removing members from <paramref name="since"/> on (removal
    /// wins for a user in both lists); empty when nobody's membership changes.
    /// </summary>
    public List<MemberRow> Change(IEnumerable<string> add, IEnumerable<string> remove, long since)
    {
        var removed = remove.ToHashSet(StringComparer.Ordinal);
        var changed = new List<MemberRow>();
        foreach (var user in add.Where(u => !removed.Contains(u) && !_members.Contains(u)).Distinct(StringComparer.Ordinal))
            changed.Add((RowOf(user) ?? new MemberRow(user, false, [])).Change(joins: true, since));
        foreach (var user in removed.Where(_members.Contains))
            changed.Add(RowOf(user)!.Change(joins: false, since));
        return changed;
    }

    /// <summary>Whether <paramref name="userId"/> is owed the message at <paramref name="seq"/>.</summary>
    public bool IsMemberAt(string userId, long seq) => RowOf(userId)?.IsMemberAt(seq) ?? false;

    /// <summary>Users who keep step with the fan-out and are owed the message at <paramref name="seq"/>.</summary>
    public IEnumerable<string> InStepMembersAt(long seq)
    {
        foreach (var user in _members) if (!_unsettled.TryGetValue(user, out var row) || (!row.IsBehind && row.IsMemberAt(seq))) yield return user;
        foreach (var row in _unsettled.Values) if (!row.IsMember && !row.IsBehind && row.IsMemberAt(seq)) yield return row.UserId;
    }
}
