using Orleans.Storage;
using Seqline.Hosting;
using Seqline.Storage;
using Seqline.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Seqline.Tests.Fixtures;

/// <summary>A node's SQLite grain-state storage that counts the state writes of inboxes.</summary>
public sealed class CountingGrainStorage(IGrainStorage inner) : IGrainStorage, IStoreSchema
{
    private long _inboxWrites;

    /// <summary>Puts a counting storage in front of the node's grain states.</summary>
    public static void CountSqlite(IServiceCollection services, Action<CountingGrainStorage> created) =>
        services.AddKeyedSingleton<IGrainStorage>(SeqlineStorage.GrainStateName, (sp, _) =>
        {
            var storage = new CountingGrainStorage(new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<IGrainStorageSerializer>()));
            created(storage);
            return storage;
        });

    /// <summary>State writes (and clears) of inbox grains so far.</summary>
    public long InboxWrites => Interlocked.Read(ref _inboxWrites);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => ((IStoreSchema)inner).EnsureCreatedAsync(cancellationToken);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Count(grainId);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Count(grainId);
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private void Count(GrainId grainId)
    {
        if (grainId.Type.ToString()!.Contains("inbox", StringComparison.OrdinalIgnoreCase)) Interlocked.Increment(ref _inboxWrites);
    }
}
