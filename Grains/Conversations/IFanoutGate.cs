namespace Seqline.Conversations;

/// <summary>
/// Called between a durable write and the delivery that follows it: a batch of messages, or
/// membership notices. The default lets everything through; tests put a gate here to fail a
/// delivery or crash a node at exactly that point.
/// </summary>
public interface IFanoutGate
{
    Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq);

    Task BeforeNoticesAsync(string conversationId, IReadOnlyList<string> userIds) => Task.CompletedTask;
}

internal sealed class OpenFanoutGate : IFanoutGate
{
    public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq) => Task.CompletedTask;
}
