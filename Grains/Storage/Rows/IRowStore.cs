namespace Seqline.Storage.Rows;

/// <summary>
/// Small records kept as rows, many per owner (a conversation's members, a user's conversation
/// index), where one grain-state blob would outgrow its store: an Azure Table entity tops out
/// near 1 MB. An owner's rows are read together and changed in one call.
/// </summary>
public interface IRowStore : IStoreSchema
{
    /// <summary>Every row of <paramref name="owner"/>, in no particular order; none for an unknown owner.</summary>
    Task<IReadOnlyList<Row>> ReadAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// The row <paramref name="key"/> of <paramref name="owner"/>, or null: a point read, whose cost
    /// does not grow with the owner's rows. An inbox asks it of a conversation's member rows on its
    /// syncs and pushes, where the owner is a group of any size.
    /// </summary>
    Task<Row?> ReadAsync(string owner, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes rows (replacing a row with the same key) and deletes rows by key. Idempotent: writing
    /// a row again or deleting a missing one changes nothing; a key in both lists is written. Not
    /// atomic across large changes: a caller that fails part-way reads the rows back before going on.
    /// </summary>
    Task ChangeAsync(string owner, IReadOnlyCollection<Row> write, IReadOnlyCollection<string> delete,
        CancellationToken cancellationToken = default);
}

/// <summary>One row: a key unique within its owner, and a value of at most 60,000 bytes.</summary>
public sealed record Row(string Key, byte[] Value)
{
    public const int MaxValueBytes = 60_000;
}

/// <summary>The kinds of rows, each its own keyed <see cref="IRowStore"/> service.</summary>
public static class RowStoreNames
{
    /// <summary>A conversation's members, one row per user.</summary>
    public const string Members = "members";

    /// <summary>A user's conversation index, one row per conversation.</summary>
    public const string ConversationIndex = "index";
}
