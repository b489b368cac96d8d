using Orleans.Providers;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// Fails the next publish onto a memory stream, as a stream queue that overload keeps from
/// answering in time would: the conversation goes on, and whoever follows its stream sees a gap.
/// </summary>
public sealed class FailingStreamPublish : IIncomingGrainCallFilter
{
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>Completes once a publish has been failed.</summary>
    public Task Failed => _failed.Task;

    public void FailNext() => Volatile.Write(ref _armed, 1);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod is { Name: nameof(IMemoryStreamQueueGrain.Enqueue) } method
            && method.DeclaringType == typeof(IMemoryStreamQueueGrain)
            && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _failed.TrySetResult();
            throw new TimeoutException("The stream queue did not answer in time (test).");
        }
        return context.Invoke();
    }
}
