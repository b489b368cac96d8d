namespace Seqline.Conversations;

/// <summary>
/// Called between the durable append and the fan-out of a batch. The default lets everything
/// through; tests put a gate here to crash a node at exactly that point.
/// </summary>
public interface IFanoutGate
{
    Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq);
}

internal sealed class OpenFanoutGate : IFanoutGate
{
    public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq) => Task.CompletedTask;
}
