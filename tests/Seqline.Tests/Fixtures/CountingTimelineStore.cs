using Microsoft.Extensions.DependencyInjection;
using Seqline.Storage.Sqlite;
using Seqline.Timelines;
using Seqline.Timelines.Sqlite;

namespace Seqline.Tests.Fixtures;

/// <summary>Counts the rows a store is asked to write and the rows it hands back.</summary>
public sealed class CountingTimelineStore(ITimelineStore inner) : ITimelineStore
{
    /// <summary>Puts a counting store in front of a node's SQLite timelines named <paramref name="name"/>.</summary>
    public static void CountSqlite(IServiceCollection services, string name, Action<CountingTimelineStore> created) =>
        services.AddKeyedSingleton<ITimelineStore>(name, (sp, _) =>
        {
            var store = new CountingTimelineStore(new SqliteTimelineStore(sp.GetRequiredService<SqliteDatabase>(), name));
            created(store);
            return store;
        });

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => inner.EnsureCreatedAsync(cancellationToken);

    private long _written;
    private long _read;
    private long _queries;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _writtenTo = new(StringComparer.Ordinal);

    public long RowsWritten => Interlocked.Read(ref _written);

    /// <summary>Rows written to one timeline.</summary>
    public long RowsWrittenTo(string timeline) => _writtenTo.GetValueOrDefault(timeline);
    public long RowsRead => Interlocked.Read(ref _read);

    /// <summary>Reads of any kind, head lookups included: each is a round trip to storage.</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>Runs before each append with its timeline and entries; a test can hold appending there.</summary>
    public Func<string, IReadOnlyList<TimelineEntry>, Task>? BeforeAppend { get; set; }

    public async Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        if (BeforeAppend is { } hook) await hook(timeline, entries);
        await inner.AppendAsync(timeline, entries, cancellationToken);
        Interlocked.Add(ref _written, entries.Count);
        _writtenTo.AddOrUpdate(timeline, entries.Count, (_, rows) => rows + entries.Count);
    }

    public Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        Counted(inner.ReadAfterAsync(timeline, afterSeq, limit, cancellationToken));

    public Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default) =>
        Counted(inner.ReadBeforeAsync(timeline, beforeSeq, limit, cancellationToken));

    /// <summary>Runs after each replace is stored, with its timeline and entry; a test can act on a rewrite there.</summary>
    public Func<string, TimelineEntry, Task>? AfterReplace { get; set; }

    public async Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default)
    {
        await inner.ReplaceAsync(timeline, entry, cancellationToken);
        if (AfterReplace is { } hook) await hook(timeline, entry);
    }

    /// <summary>Runs after a head is read and before it is returned; a test can change the timeline there.</summary>
    public Func<string, Task>? AfterHead { get; set; }

    public async Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _queries);
        var head = await inner.GetHeadAsync(timeline, cancellationToken);
        if (AfterHead is { } hook) await hook(timeline);
        return head;
    }

    private int _trims;

    /// <summary>Trim calls so far, and the most rows any one of them deleted.</summary>
    public int Trims => Volatile.Read(ref _trims);
    public int MostRowsTrimmedAtOnce { get; private set; }

    /// <summary>Runs before each trim call with its number (1, 2, …); a test can hold trimming there.</summary>
    public Func<int, Task>? BeforeTrim { get; set; }

    public async Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default)
    {
        var number = Interlocked.Increment(ref _trims);
        if (BeforeTrim is { } hook) await hook(number);
        var deleted = await inner.TrimThroughAsync(timeline, throughSeq, maxRows, cancellationToken);
        lock (this) MostRowsTrimmedAtOnce = Math.Max(MostRowsTrimmedAtOnce, deleted);
        return deleted;
    }

    private async Task<IReadOnlyList<TimelineEntry>> Counted(Task<IReadOnlyList<TimelineEntry>> read)
    {
        Interlocked.Increment(ref _queries);
        var entries = await read;
        Interlocked.Add(ref _read, entries.Count);
        return entries;
    }
}
