namespace Seqline.Tests.Fixtures;

/// <summary>
/// Holds the next call of one grain method until released, as a slow silo or network would.
/// Registered as an <see cref="IIncomingGrainCallFilter"/> it holds the call at the grain (which
/// then takes no other call meanwhile); as an <see cref="IOutgoingGrainCallFilter"/>, before it
/// leaves the caller (the grain stays free).
/// </summary>
public sealed class HeldGrainCall(string methodName) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private TaskCompletionSource? _reached;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Holds the next call; the task completes when it is being held.</summary>
    public Task HoldNext() => (_reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Release() => _released.TrySetResult();

    public Task Invoke(IIncomingGrainCallContext context) => Hold(context.InterfaceMethod?.Name, context.Invoke);

    public Task Invoke(IOutgoingGrainCallContext context) => Hold(context.InterfaceMethod?.Name, context.Invoke);

    private async Task Hold(string? name, Func<Task> invoke)
    {
        if (name == methodName && Interlocked.Exchange(ref _reached, null) is { } reached)
        {
            reached.TrySetResult();
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        await invoke();
    }
}
