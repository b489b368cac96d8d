using Seqline.Conversations;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A fan-out gate that makes the inboxes of chosen users unreachable for membership notices: the
/// notice round fails for them, as a call to an inbox on a lost silo would, until they are let through.
/// </summary>
public sealed class UnreachableInboxGate : IFanoutGate
{
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private int _refused;

    public int Refused => Volatile.Read(ref _refused);

    public void CutOff(string userId)
    {
        lock (_unreachable) _unreachable.Add(userId);
    }

    public void Reconnect(string userId)
    {
        lock (_unreachable) _unreachable.Remove(userId);
    }

    public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq) => Task.CompletedTask;

    public Task BeforeNoticesAsync(string conversationId, IReadOnlyList<string> userIds)
    {
        lock (_unreachable)
        {
            if (!userIds.Any(_unreachable.Contains)) return Task.CompletedTask;
        }
        Interlocked.Increment(ref _refused);
        throw new InvalidOperationException("The inbox cannot be reached (test).");
    }
}
