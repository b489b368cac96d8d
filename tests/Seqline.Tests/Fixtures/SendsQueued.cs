using Seqline.Conversations;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// Counts sends conversation grains have taken in. A send runs synchronously until it waits for
/// its commit (once the activation has loaded its dedupe window and registered its reminder, which
/// its first send did), so when the grain hands the call back here it is in the queue, or already
/// being appended if nothing holds it.
/// </summary>
public sealed class SendsQueued : IIncomingGrainCallFilter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var call = context.Invoke();
        if (context.InterfaceMethod?.Name == nameof(IConversationGrain.Send)) Interlocked.Increment(ref _count);
        await call;
    }
}
