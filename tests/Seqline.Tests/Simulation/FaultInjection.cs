using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.Memory;
using Seqline.Storage.Rows.Sqlite;
using Seqline.Storage.Sqlite;
using Seqline.Timelines;
using Seqline.Timelines.Memory;
using Seqline.Timelines.Sqlite;

namespace Seqline.Tests.Simulation;

/// <summary>
/// Puts every store of a node on SQLite (as <c>AddSeqlineSqlite</c> registers them) behind a
/// fault-injecting decorator: timelines and rows (on SQLite, or in memory), grain state and
/// reminders. Call it after the silo is configured, so its registrations win.
/// </summary>
public static class FaultInjection
{
    public static void AddFaultInjection(this IServiceCollection services, SimulationStore store = SimulationStore.Sqlite)
    {
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
        {
            var memory = new MemoryTimelineStore();
            services.AddKeyedSingleton<ITimelineStore>(name, (sp, _) => new FaultyTimelineStore(store == SimulationStore.Memory
                ? memory
                : new SqliteTimelineStore(sp.GetRequiredService<SqliteDatabase>(), name), name));
        }
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
        {
            var memory = new MemoryRowStore();
            services.AddKeyedSingleton<IRowStore>(name, (sp, _) => new FaultyRowStore(store == SimulationStore.Memory
                ? memory
                : new SqliteRowStore(sp.GetRequiredService<SqliteDatabase>(), name), name));
        }
        services.AddKeyedSingleton<IGrainStorage>(SeqlineStorage.GrainStateName, (sp, _) =>
            new FaultyGrainStorage(new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<IGrainStorageSerializer>()), "state"));
        services.AddKeyedSingleton<IGrainStorage>(SeqlineSiloBuilderExtensions.PubSubStore, (sp, _) =>
            new FaultyGrainStorage(new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<IGrainStorageSerializer>()), "pubsub"));
        services.AddSingleton<IReminderTable>(sp => new FaultyReminderTable(new SqliteReminderTable(sp.GetRequiredService<SqliteDatabase>())));
    }
}
