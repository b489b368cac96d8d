using Seqline.Conversations;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// Holds every fan-out of messages at the gate: a test opens it to let them go on, or fails them
/// as a node going down would, so that the work is left for the next activation.
/// </summary>
public sealed class HoldingFanoutGate : IFanoutGate
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a fan-out has reached the gate.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq)
    {
        Reached.TrySetResult();
        return _held.Task;
    }

    public void Open() => _held.TrySetResult();

    public void Fail() => _held.TrySetException(new InvalidOperationException("The node is going down (test)."));
}
