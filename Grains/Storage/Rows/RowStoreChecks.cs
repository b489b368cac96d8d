namespace Seqline.Storage.Rows;

internal static class RowStoreChecks
{
    public static void RequireValid(IReadOnlyCollection<Row> write)
    {
        foreach (var row in write)
        {
            if (row.Value.Length > Row.MaxValueBytes)
                throw new ArgumentException($"Row '{row.Key}' holds {row.Value.Length} bytes; a row holds at most {Row.MaxValueBytes}.", nameof(write));
        }
    }
}
