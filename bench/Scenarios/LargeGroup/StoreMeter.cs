using System.Diagnostics;
using Seqline.Bench.Infrastructure;
using Seqline.Storage.Sqlite;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// Counts what an in-process node writes to its SQLite file over a phase: the writes its single
/// writer committed (<see cref="SqliteDatabase.WritesCommitted"/>: every grain-state, timeline and
/// row write, reminders included), the grain-state writes among them (row versions), and the
/// timeline rows added.
/// </summary>
internal sealed class StoreMeter(SqliteDatabase database) : IGroupStore
{
    public readonly record struct Snapshot(long Writes, GrainStateWrites GrainState, long TimelineRows, long Reminders);

    public SqliteStateRows Rows { get; } = new(database.FilePath);

    private readonly StoreRows _timelines = new(Path.GetDirectoryName(database.FilePath)!, Path.GetFileName(database.FilePath));

    private Snapshot Take() => new(database.WritesCommitted, Rows.GrainStateWrites(), _timelines.Total(), Rows.Reminders());

    private StoreWrites Since(Snapshot before)
    {
        var now = Take();
        return new StoreWrites(now.Writes - before.Writes, now.GrainState.Writes - before.GrainState.Writes,
            now.TimelineRows - before.TimelineRows, now.Reminders - before.Reminders, now.GrainState.ByTypeSince(before.GrainState));
    }

    public string Counting =>
        "Store writes are counted in the node's SQLite writer (every grain-state, timeline and row write it committed), in grain-state row versions and in timeline rows";

    public Task<long> IndexRowsOf(string conversationId) => Task.FromResult(Rows.IndexRowsOf(conversationId));

    public Task<IWriteWindow> StartCounting() => Task.FromResult<IWriteWindow>(new Window(this, Take()));

    public Task<LargestRow?> LargestGrainState() => Task.FromResult(Rows.LargestGrainState());

    public Task<IReadOnlyList<LargestRow>> LargestRows() =>
        Task.FromResult<IReadOnlyList<LargestRow>>(new[] { Rows.LargestRowOf("members"), Rows.LargestRowOf("index") }.OfType<LargestRow>().ToList());

    /// <summary>Waits until the writer has committed nothing for <paramref name="quiet"/> (see <see cref="IGroupStore.Quiet"/>).</summary>
    public async Task<bool> Quiet(TimeSpan quiet, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var last = database.WritesCommitted;
        var since = clock.Elapsed;
        while (clock.Elapsed < within)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            var now = database.WritesCommitted;
            if (now != last) (last, since) = (now, clock.Elapsed);
            else if (clock.Elapsed - since >= quiet) return true;
        }
        return false;
    }

    private sealed class Window(StoreMeter meter, Snapshot before) : IWriteWindow
    {
        public Task<StoreWrites> Count() => Task.FromResult(meter.Since(before));
    }
}
