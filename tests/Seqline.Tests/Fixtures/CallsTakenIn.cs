namespace Seqline.Tests.Fixtures;

/// <summary>
/// Counts calls of one grain method the grains have taken in: counted once the method has run as far
/// as it can without waiting. A conversation's send, for one, runs synchronously until it waits for
/// its commit (once the activation has loaded its dedupe window and registered its reminder, which
/// its first send did), so when it is counted it is in the queue, or already being appended if
/// nothing holds it.
/// </summary>
public sealed class CallsTakenIn(string methodName) : IIncomingGrainCallFilter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        if (context.InterfaceMethod?.Name == methodName) Interlocked.Increment(ref _count);
        await call;
    }
}
