namespace Seqline.Membership.Memory;

/// <summary>Membership in process memory. For tests only: nothing survives the process.</summary>
public sealed class MemoryMembershipStore : IMembershipStore
{
    private readonly Dictionary<string, Dictionary<string, MemberRow>> _rows = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<MemberRow>> ReadAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_rows)
        {
            return Task.FromResult<IReadOnlyList<MemberRow>>(_rows.TryGetValue(conversationId, out var rows) ? rows.Values.ToList() : []);
        }
    }

    public Task ChangeAsync(string conversationId, IReadOnlyCollection<MemberRow> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default)
    {
        lock (_rows)
        {
            if (!_rows.TryGetValue(conversationId, out var rows)) _rows[conversationId] = rows = new(StringComparer.Ordinal);
            foreach (var user in delete) rows.Remove(user);
            foreach (var row in write) rows[row.UserId] = row;
        }
        return Task.CompletedTask;
    }
}
