using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Seqline.Timelines.AzureTables;

/// <summary>
/// Timelines in an Azure Storage table: one partition per timeline, one row per entry keyed by its
/// zero-padded seq, and a meta row holding the last seq and the trimmed head.
/// </summary>
/// <remarks>
/// Every write is an entity group transaction that also updates the meta row, on the condition that
/// the meta row is unchanged since it was read. The entries and the head therefore always move
/// together, and a stale writer is refused even at seqs whose rows a trim has already deleted.
/// </remarks>
public sealed class AzureTableTimelineStore : ITimelineStore
{
    // A transaction holds at most 100 operations; one of them is always the meta row.
    private const int RowsPerTransaction = 99;

    // A transaction's body is capped at 4 MiB and binary travels as base64 (4/3 larger).
    private const int PayloadBytesPerTransaction = 2 * 1024 * 1024;

    // A binary property holds at most 64 KiB.
    private const int PayloadChunkBytes = 64_000;

    // '!' sorts before every digit, so range queries over entry rows never include the meta row.
    private const string HeadRowKey = "!head";

    private readonly TableClient _table;

    public AzureTableTimelineStore(string connectionString, string tableName)
        : this(new TableClient(connectionString, tableName)) { }

    public AzureTableTimelineStore(TableServiceClient service, string tableName)
        : this(service.GetTableClient(tableName)) { }

    public AzureTableTimelineStore(TableClient table) => _table = table;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        await _table.CreateIfNotExistsAsync(cancellationToken);

    public async Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        TimelineStoreExtensions.RequireValidAppend(timeline, entries);
        if (entries.Count == 0) return;
        foreach (var batch in Batches(entries)) await AppendBatchAsync(timeline, batch, cancellationToken);
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        var (head, _) = await ReadHeadAsync(timeline, cancellationToken);
        if (afterSeq < head.TrimmedThrough) throw new TimelineTrimmedException(timeline, head.TrimmedThrough);

        // Seqs are contiguous up to the head, so the rows wanted are exactly this key range.
        var to = afterSeq + Math.Min(limit, head.LastSeq - afterSeq);
        var entries = await QueryRangeAsync(timeline, afterSeq + 1, to, cancellationToken);
        if (entries.Count < to - afterSeq)
        {
            // Rows the head promised are gone, so a trim ran between the two reads: say so rather than
            // hand back a list with a hole in it.
            var now = (await ReadHeadAsync(timeline, cancellationToken)).Head;
            if (afterSeq < now.TrimmedThrough) throw new TimelineTrimmedException(timeline, now.TrimmedThrough);
            throw new InvalidOperationException($"Timeline '{timeline}' is missing entries between {afterSeq + 1} and {to}.");
        }
        return entries;
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        var (head, _) = await ReadHeadAsync(timeline, cancellationToken);
        if (limit <= 0 || beforeSeq <= head.TrimmedThrough + 1) return [];

        var to = Math.Min(beforeSeq - 1, head.LastSeq);
        var from = Math.Max(head.TrimmedThrough + 1, to - limit + 1);
        return await QueryRangeAsync(timeline, from, to, cancellationToken);
    }

    public async Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default)
    {
        var stored = await _table.GetEntityIfExistsAsync<TableEntity>(timeline, RowKey(entry.Seq), cancellationToken: cancellationToken);
        if (!stored.HasValue) throw new KeyNotFoundException($"Timeline '{timeline}' holds no seq {entry.Seq}.");
        // Replace keeps only the properties sent, so chunks of a longer old payload go too; the time stays.
        var at = DateTimeOffset.FromUnixTimeMilliseconds(stored.Value!.GetInt64("At") ?? 0);
        await _table.UpdateEntityAsync(EntryRow(timeline, entry with { Timestamp = at }), stored.Value.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default)
    {
        return (await ReadHeadAsync(timeline, cancellationToken)).Head;
    }

    public async Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        while (deleted < maxRows)
        {
            var (head, etag) = await ReadHeadAsync(timeline, cancellationToken);
            var from = head.TrimmedThrough + 1;
            var to = Math.Min(Math.Min(throughSeq, head.LastSeq), head.TrimmedThrough + Math.Min(maxRows - deleted, RowsPerTransaction));
            if (etag is null || to < from) break;

            var actions = new List<TableTransactionAction>();
            for (var seq = from; seq <= to; seq++)
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(timeline, RowKey(seq)), ETag.All));
            actions.Add(new(TableTransactionActionType.UpdateMerge, HeadRow(timeline, trimmedThrough: to), etag.Value));
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                deleted += (int)(to - head.TrimmedThrough);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Another trim or an append moved the head since it was read; go again from the new one.
            }
        }
        return deleted;
    }

    private async Task AppendBatchAsync(string timeline, IReadOnlyList<TimelineEntry> batch, CancellationToken cancellationToken)
    {
        var first = batch[0].Seq;
        while (true)
        {
            var (head, etag) = await ReadHeadAsync(timeline, cancellationToken);
            if (first <= head.LastSeq) throw new TimelineConflictException(timeline, first);
            if (first != head.LastSeq + 1)
                throw new ArgumentException($"Append to '{timeline}' at {first} leaves a gap after {head.LastSeq}.", "entries");

            var actions = batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, EntryRow(timeline, e))).ToList();
            var headRow = HeadRow(timeline, lastSeq: batch[^1].Seq);
            actions.Add(etag is { } current
                ? new(TableTransactionActionType.UpdateMerge, headRow, current)
                : new(TableTransactionActionType.Add, headRow));
            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (HeadMoved(e, batch.Count))
            {
                // If another writer took these seqs, the next pass reports the conflict; if only a
                // trim moved the marker, the append goes through.
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var index = (e as TableTransactionFailedException)?.FailedTransactionActionIndex;
                throw new TimelineConflictException(timeline, index < batch.Count ? batch[index.Value].Seq : first);
            }
        }
    }

    // The meta row is the last action: a 412 on it (or a 409 when it was being created) means the
    // head changed since it was read, not that an entry row is taken.
    private static bool HeadMoved(RequestFailedException e, int headIndex) =>
        e.Status == 412 || (e.Status == 409 && (e as TableTransactionFailedException)?.FailedTransactionActionIndex == headIndex);

    // Splits an append into transactions in order, each within the operation and size limits.
    private static IEnumerable<IReadOnlyList<TimelineEntry>> Batches(IReadOnlyList<TimelineEntry> entries)
    {
        var batch = new List<TimelineEntry>();
        long bytes = 0;
        foreach (var entry in entries)
        {
            if (batch.Count == RowsPerTransaction || (batch.Count > 0 && bytes + entry.Payload.Length > PayloadBytesPerTransaction))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }
            batch.Add(entry);
            bytes += entry.Payload.Length;
        }
        yield return batch;
    }

    private async Task<(TimelineHead Head, ETag? ETag)> ReadHeadAsync(string timeline, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(timeline, HeadRowKey, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } head) return (new TimelineHead(0, 0), null);
        return (new TimelineHead(head.GetInt64("LastSeq") ?? 0, head.GetInt64("TrimmedThrough") ?? 0), head.ETag);
    }

    private async Task<List<TimelineEntry>> QueryRangeAsync(string timeline, long from, long to, CancellationToken cancellationToken)
    {
        var entries = new List<TimelineEntry>();
        if (from > to) return entries;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {timeline} and RowKey ge {RowKey(from)} and RowKey le {RowKey(to)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            entries.Add(ToEntry(row));
        return entries;
    }


    // Fixed width makes the string order of row keys the numeric order of seqs.
    private static string RowKey(long seq) => seq.ToString("D19", CultureInfo.InvariantCulture);

    private static TableEntity HeadRow(string timeline, long? lastSeq = null, long? trimmedThrough = null)
    {
        // Merge writes only the properties present, so appends and trims each touch just their own.
        var row = new TableEntity(timeline, HeadRowKey);
        if (lastSeq is { } last) row["LastSeq"] = last;
        if (trimmedThrough is { } trimmed) row["TrimmedThrough"] = trimmed;
        return row;
    }

    private static TableEntity EntryRow(string timeline, TimelineEntry entry)
    {
        // "Timestamp" is the service's own property, hence "At".
        var row = new TableEntity(timeline, RowKey(entry.Seq)) { ["At"] = entry.Timestamp.ToUnixTimeMilliseconds() };
        var payload = entry.Payload;
        row["Payload"] = payload.Length <= PayloadChunkBytes ? payload : payload[..PayloadChunkBytes];
        for (int chunk = 1, offset = PayloadChunkBytes; offset < payload.Length; chunk++, offset += PayloadChunkBytes)
            row[$"Payload{chunk}"] = payload[offset..Math.Min(offset + PayloadChunkBytes, payload.Length)];
        return row;
    }

    private static TimelineEntry ToEntry(TableEntity row)
    {
        var chunks = new List<byte[]> { row.GetBinary("Payload") ?? [] };
        for (var chunk = 1; row.GetBinary($"Payload{chunk}") is { } more; chunk++) chunks.Add(more);
        var payload = chunks.Count == 1 ? chunks[0] : chunks.SelectMany(c => c).ToArray();
        var at = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64("At") ?? 0);
        return new TimelineEntry(long.Parse(row.RowKey, CultureInfo.InvariantCulture), at, payload);
    }
}
