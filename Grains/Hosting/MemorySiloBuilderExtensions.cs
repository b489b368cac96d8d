using Microsoft.Extensions.DependencyInjection;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.Memory;
using Seqline.Timelines;
using Seqline.Timelines.Memory;

namespace Seqline.Hosting;

/// <summary>
/// The stores a node on memory keeps its data in. Silos of one in-process test cluster share one
/// instance, as real silos share a database.
/// </summary>
public sealed class SeqlineMemoryStores
{
    public MemoryTimelineStore Conversations { get; } = new();
    public MemoryTimelineStore Inboxes { get; } = new();
    public MemoryRowStore Members { get; } = new();
    public MemoryRowStore ConversationIndex { get; } = new();
}

public static class MemorySiloBuilderExtensions
{
    /// <summary>
    /// Timelines and rows in <paramref name="stores"/> (new ones when not given), grain state and
    /// reminders in Orleans' memory providers. For tests only: nothing survives the process. The
    /// conversation streams are memory queues unless <c>Seqline:Fanout:StreamQueues</c> says otherwise
    /// (<c>AddSeqlineGrains</c> adds them).
    /// </summary>
    public static ISiloBuilder AddSeqlineInMemory(this ISiloBuilder silo, SeqlineMemoryStores? stores = null)
    {
        stores ??= new SeqlineMemoryStores();
        var services = silo.Services;
        services.AddKeyedSingleton<ITimelineStore>(TimelineStoreNames.Conversations, stores.Conversations);
        services.AddKeyedSingleton<ITimelineStore>(TimelineStoreNames.Inboxes, stores.Inboxes);
        services.AddKeyedSingleton<IRowStore>(RowStoreNames.Members, stores.Members);
        services.AddKeyedSingleton<IRowStore>(RowStoreNames.ConversationIndex, stores.ConversationIndex);
        silo.AddMemoryGrainStorage(SeqlineStorage.GrainStateName);
        silo.AddMemoryGrainStorage(SeqlineSiloBuilderExtensions.PubSubStore);
        return silo.UseInMemoryReminderService();
    }
}
