using Npgsql;
using NpgsqlTypes;
using Seqline.Storage.Postgres;

namespace Seqline.Timelines.Postgres;

/// <summary>
/// Timelines in two PostgreSQL tables (<c>Scripts/Seqline.sql</c>): entries keyed (timeline, seq), and
/// a head row per timeline holding the last seq and the trim mark.
/// </summary>
/// <remarks>
/// An append is one statement, so one transaction: it moves the head from the seq the writer expects
/// to the new last seq and inserts the entries only if that move happened. A second writer racing for
/// the same seqs waits on the head row's lock, finds the head moved, and writes nothing; a stale writer
/// is refused even at seqs a trim has since deleted. Reads take the trim mark and the entries in one
/// statement, so from one snapshot.
/// </remarks>
public sealed class PostgresTimelineStore : ITimelineStore
{
    private readonly NpgsqlDataSource _database;
    private readonly string _entries;
    private readonly string _heads;
    private readonly bool _createSchema;

    /// <param name="createSchema">Whether <see cref="EnsureCreatedAsync"/> creates missing tables, or only checks for them.</param>
    public PostgresTimelineStore(NpgsqlDataSource database, string name, bool createSchema = true)
    {
        _database = database;
        _createSchema = createSchema;
        var table = PostgresSchema.RequireTableName(name, "Timeline store");
        _entries = $"{table}_entries";
        _heads = $"{table}_heads";
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        PostgresSchema.EnsureAsync(_database, _createSchema, cancellationToken);

    public async Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        TimelineStoreExtensions.RequireValidAppend(timeline, entries);
        if (entries.Count == 0) return;
        var first = entries[0].Seq;

        // The first append creates the head; every later one moves it from first - 1. Either way the
        // entries go in only if the head statement returned its row.
        var head = first == 1
            ? $"INSERT INTO {_heads} (timeline, last_seq) VALUES (@t, @last) ON CONFLICT (timeline) DO NOTHING RETURNING 1"
            : $"UPDATE {_heads} SET last_seq = @last WHERE timeline = @t AND last_seq = @first - 1 RETURNING 1";
        await using var command = _database.CreateCommand($"""
            WITH head AS ({head})
            INSERT INTO {_entries} (timeline, seq, at, payload)
            SELECT @t, e.seq, e.at, e.payload
            FROM unnest(@seqs, @ats, @payloads) AS e(seq, at, payload)
            WHERE EXISTS (SELECT FROM head)
            """);
        command.Parameters.AddWithValue("t", timeline);
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", entries[^1].Seq);
        command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", entries.Select(e => e.Seq).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("ats", entries.Select(e => e.Timestamp.ToUnixTimeMilliseconds()).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("payloads", entries.Select(e => e.Payload).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });

        int inserted;
        try
        {
            inserted = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Only if entries were ever written without their head; the seq is taken either way.
            throw new TimelineConflictException(timeline, first);
        }
        if (inserted == entries.Count) return;

        // The head was not where this writer expected it: someone else took these seqs, or there is a gap.
        var now = await GetHeadAsync(timeline, cancellationToken);
        if (first <= now.LastSeq) throw new TimelineConflictException(timeline, first);
        throw new ArgumentException($"Append to '{timeline}' at {first} leaves a gap after {now.LastSeq}.", nameof(entries));
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        // One statement, one snapshot: a trim committed between reading the mark and reading the
        // entries would otherwise make the read skip entries without saying so.
        await using var command = _database.CreateCommand($"""
            SELECT m.trimmed_through, e.seq, e.at, e.payload
            FROM (SELECT COALESCE((SELECT trimmed_through FROM {_heads} WHERE timeline = @t), 0) AS trimmed_through) AS m
            LEFT JOIN LATERAL (
                SELECT seq, at, payload FROM {_entries} WHERE timeline = @t AND seq > @after ORDER BY seq LIMIT @n
            ) AS e ON true
            ORDER BY e.seq
            """);
        command.Parameters.AddWithValue("t", timeline);
        command.Parameters.AddWithValue("after", afterSeq);
        command.Parameters.AddWithValue("n", Math.Max(limit, 0));
        var entries = new List<TimelineEntry>(Math.Clamp(limit, 0, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var trimmed = reader.GetInt64(0);
            if (afterSeq < trimmed) throw new TimelineTrimmedException(timeline, trimmed);
            if (!reader.IsDBNull(1)) entries.Add(ReadEntry(reader, 1));
        }
        return entries;
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = _database.CreateCommand(
            $"SELECT seq, at, payload FROM {_entries} WHERE timeline = @t AND seq < @before ORDER BY seq DESC LIMIT @n");
        command.Parameters.AddWithValue("t", timeline);
        command.Parameters.AddWithValue("before", beforeSeq);
        command.Parameters.AddWithValue("n", Math.Max(limit, 0));
        var newestFirst = new List<TimelineEntry>(Math.Clamp(limit, 0, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) newestFirst.Add(ReadEntry(reader, 0));
        newestFirst.Reverse();
        return newestFirst;
    }

    public async Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = _database.CreateCommand($"UPDATE {_entries} SET payload = @p WHERE timeline = @t AND seq = @s");
        command.Parameters.AddWithValue("p", entry.Payload);
        command.Parameters.AddWithValue("t", timeline);
        command.Parameters.AddWithValue("s", entry.Seq);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            throw new KeyNotFoundException($"Timeline '{timeline}' holds no seq {entry.Seq}.");
    }

    public async Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default)
    {
        await using var command = _database.CreateCommand($"SELECT last_seq, trimmed_through FROM {_heads} WHERE timeline = @t");
        command.Parameters.AddWithValue("t", timeline);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new TimelineHead(reader.GetInt64(0), reader.GetInt64(1)) : new TimelineHead(0, 0);
    }

    public async Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The head row's lock orders this trim after any append or trim of the timeline in flight.
        long last, trimmed;
        await using (var head = new NpgsqlCommand($"SELECT last_seq, trimmed_through FROM {_heads} WHERE timeline = @t FOR UPDATE", connection, transaction))
        {
            head.Parameters.AddWithValue("t", timeline);
            await using var reader = await head.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return 0;
            (last, trimmed) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var through = Math.Min(Math.Min(throughSeq, last), trimmed + Math.Max(maxRows, 0));
        if (through <= trimmed) return 0;

        var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"DELETE FROM {_entries} WHERE timeline = @t AND seq > @from AND seq <= @through"),
                new NpgsqlBatchCommand($"UPDATE {_heads} SET trimmed_through = @through WHERE timeline = @t"),
            },
        };
        await using (batch)
        {
            foreach (NpgsqlBatchCommand command in batch.BatchCommands)
            {
                command.Parameters.AddWithValue("t", timeline);
                command.Parameters.AddWithValue("from", trimmed);
                command.Parameters.AddWithValue("through", through);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        var deleted = batch.BatchCommands[0].RecordsAffected;
        await transaction.CommitAsync(cancellationToken);
        return (int)deleted;
    }

    private static TimelineEntry ReadEntry(NpgsqlDataReader reader, int first) => new(
        reader.GetInt64(first),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 1)),
        reader.GetFieldValue<byte[]>(first + 2));
}
