using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// What the large-group scenario reads from the store its node or cluster writes to: how many
/// inboxes know the group, what a phase wrote, whether background work has stopped writing, and
/// the largest rows. One per kind of store: <see cref="StoreMeter"/> (one node's SQLite file) and
/// <see cref="AzureTableMeter"/> (a cluster's Azure tables).
/// </summary>
public interface IGroupStore
{
    /// <summary>How writes are counted, in a sentence for the report.</summary>
    string Counting { get; }

    /// <summary>How many inboxes have written <paramref name="conversationId"/> into their index (their checkpoint of the join).</summary>
    Task<long> IndexRowsOf(string conversationId);

    /// <summary>Starts counting writes; the window's <see cref="IWriteWindow.Count"/> says what was written since.</summary>
    Task<IWriteWindow> StartCounting();

    /// <summary>
    /// Waits until nothing has been written for <paramref name="quiet"/>: background work (inbox
    /// checkpoints, the conversation's bookkeeping) is done, so what is counted next is the phase's
    /// own. Gives up after <paramref name="within"/> and says so.
    /// </summary>
    Task<bool> Quiet(TimeSpan quiet, TimeSpan within);

    /// <summary>The largest grain-state row of all grains.</summary>
    Task<LargestRow?> LargestGrainState();

    /// <summary>The largest member row and index row.</summary>
    Task<IReadOnlyList<LargestRow>> LargestRows();
}

/// <summary>Writes counted from the moment it was opened.</summary>
public interface IWriteWindow
{
    Task<StoreWrites> Count();
}
