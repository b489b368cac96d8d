using Microsoft.Extensions.Logging;
using Seqline.Storage;

namespace Seqline.Hosting;

/// <summary>
/// Creates every store's tables when the silo starts, first of all, so that no grain, reminder or
/// membership read meets a missing table, and a database the node cannot reach or may not change
/// stops the start with one line instead of failing the first user's request.
/// </summary>
internal sealed class StoreSchemasOnStart(IEnumerable<IStoreSchema> schemas, ILogger<StoreSchemasOnStart> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StoreSchemasOnStart), ServiceLifecycleStage.First, StartAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var schema in schemas.Distinct())
        {
            await schema.EnsureCreatedAsync(cancellationToken);
            count++;
        }
        logger.LogDebug("The tables of {Count} stores are in place.", count);
    }
}
