using Orleans.Storage;
using Seqline.Storage;
using Seqline.Storage.Rows;
using Seqline.Timelines;

namespace Seqline.Tests.Simulation;

/// <summary>A timeline store whose writes, and the reads a test scripts, fail where the <see cref="FaultPlan"/> says.</summary>
public sealed class FaultyTimelineStore(ITimelineStore inner, string name) : ITimelineStore
{
    public ITimelineStore Inner => inner;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => inner.EnsureCreatedAsync(cancellationToken);

    public Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default) =>
        FaultPlan.Write($"{name}.append", timeline, () => inner.AppendAsync(timeline, entries, cancellationToken));

    public Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default) =>
        FaultPlan.Write($"{name}.replace", timeline, () => inner.ReplaceAsync(timeline, entry, cancellationToken));

    public Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default) =>
        FaultPlan.Write($"{name}.trim", timeline, () => inner.TrimThroughAsync(timeline, throughSeq, maxRows, cancellationToken));

    public Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        inner.ReadAfterAsync(timeline, afterSeq, limit, cancellationToken);

    public Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        FaultPlan.Read($"{name}.readbefore", timeline, () => inner.ReadBeforeAsync(timeline, beforeSeq, limit, cancellationToken));

    public Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default) =>
        inner.GetHeadAsync(timeline, cancellationToken);
}

/// <summary>A row store whose changes fail where the <see cref="FaultPlan"/> says.</summary>
public sealed class FaultyRowStore(IRowStore inner, string name) : IRowStore
{
    public IRowStore Inner => inner;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => inner.EnsureCreatedAsync(cancellationToken);

    public Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(owner, cancellationToken);

    public Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(owner, key, cancellationToken);

    public Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete, CancellationToken cancellationToken = default) =>
        FaultPlan.Write($"{name}.change", owner, () => inner.ChangeAsync(owner, write, delete, cancellationToken));
}

/// <summary>
/// Grain storage whose writes fail where the <see cref="FaultPlan"/> says. A state read is how a
/// grain activates, so it also ends a simulated crash of that grain.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner, string name) : IGrainStorage, IStoreSchema
{
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => ((IStoreSchema)inner).EnsureCreatedAsync(cancellationToken);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        FaultPlan.Of(KeyOf(grainId))?.Activated(KeyOf(grainId));
        await inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        FaultPlan.Write($"{name}.write", KeyOf(grainId), () => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        FaultPlan.Write($"{name}.clear", KeyOf(grainId), () => inner.ClearStateAsync(stateName, grainId, grainState));

    internal static string KeyOf(GrainId grainId) => grainId.Key.ToString()!;
}

/// <summary>A reminder table whose writes fail where the <see cref="FaultPlan"/> says.</summary>
public sealed class FaultyReminderTable(IReminderTable inner) : IReminderTable, IStoreSchema
{
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => ((IStoreSchema)inner).EnsureCreatedAsync(cancellationToken);

    public IReminderTable Inner => inner;

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

    public Task<string?> UpsertRow(ReminderEntry entry) =>
        FaultPlan.Write("reminders.upsert", FaultyGrainStorage.KeyOf(entry.GrainId), () => inner.UpsertRow(entry));

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        FaultPlan.Write("reminders.remove", FaultyGrainStorage.KeyOf(grainId), () => inner.RemoveRow(grainId, reminderName, eTag));

    public Task TestOnlyClearTable() => inner.TestOnlyClearTable();
}
