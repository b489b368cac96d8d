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
internal sealed class StoreMeter(SqliteDatabase database)
{
    public readonly record struct Snapshot(long Writes, GrainStateWrites GrainState, long TimelineRows, long Reminders);

    public SqliteStateRows Rows { get; } = new(database.FilePath);

    private readonly StoreRows _timelines = new(Path.GetDirectoryName(database.FilePath)!, Path.GetFileName(database.FilePath));

    public Snapshot Take() => new(database.WritesCommitted, Rows.GrainStateWrites(), _timelines.Total(), Rows.Reminders());

    public StoreWrites Since(Snapshot before)
    {
        var now = Take();
        return new StoreWrites(now.Writes - before.Writes, now.GrainState.Writes - before.GrainState.Writes,
            now.TimelineRows - before.TimelineRows, now.Reminders - before.Reminders, now.GrainState.ByTypeSince(before.GrainState));
    }

    /// <summary>
    /// Waits until the writer has committed nothing for <paramref name="quiet"/>: background work
    /// (inbox checkpoints, the conversation's bookkeeping) is done, so what is counted next is the
    /// phase's own. Gives up after <paramref name="within"/> and says so.
    /// </summary>
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
}
