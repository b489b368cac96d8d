using Microsoft.Data.Sqlite;
using Seqline.Storage.Sqlite;

namespace Seqline.Timelines.Sqlite;

/// <summary>
/// Timelines in one table of the node's SQLite database, keyed (timeline, seq) without a rowid so
/// that a timeline's entries sit together on disk. Appends go through the database's group commit.
/// </summary>
public sealed class SqliteTimelineStore : ITimelineStore
{
    private readonly SqliteDatabase _database;
    private readonly string _entries;
    private readonly string _trims;
    // The writer's statements are kept per SQL text (SqliteCommandFactory), so each text is built once.
    private readonly string _headSql;
    private readonly string _insertSql;
    private readonly string _replaceSql;
    private readonly string _trimSql;
    private readonly string _markSql;

    /// <summary>The timelines named <paramref name="name"/>, in tables <see cref="EnsureCreatedAsync"/> creates.</summary>
    public SqliteTimelineStore(SqliteDatabase database, string name)
    {
        SqliteDatabase.RequireStoreName(name, "Timeline store");
        _database = database;
        _entries = $"{name}_entries";
        _trims = $"{name}_trims";
        _headSql = $"""
            SELECT COALESCE((SELECT MAX(seq) FROM {_entries} WHERE timeline = $t), 0),
                   COALESCE((SELECT trimmed_through FROM {_trims} WHERE timeline = $t), 0)
            """;
        _insertSql = $"INSERT INTO {_entries} (timeline, seq, at, payload) VALUES ($t, $s, $a, $p)";
        _replaceSql = $"UPDATE {_entries} SET payload = $p WHERE timeline = $t AND seq = $s";
        _trimSql = $"DELETE FROM {_entries} WHERE timeline = $t AND seq > $from AND seq <= $through";
        _markSql = $"""
            INSERT INTO {_trims} (timeline, trimmed_through) VALUES ($t, $through)
            ON CONFLICT (timeline) DO UPDATE SET trimmed_through = excluded.trimmed_through
            """;
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => _database.EnsureSchemaAsync($"""
        CREATE TABLE IF NOT EXISTS {_entries} (
            timeline TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, payload BLOB NOT NULL,
            PRIMARY KEY (timeline, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS {_trims} (
            timeline TEXT NOT NULL PRIMARY KEY, trimmed_through INTEGER NOT NULL) WITHOUT ROWID;
        """, cancellationToken);

    /// <summary>How many entries were appended through this instance (for tests that count writes).</summary>
    public long EntriesAppended => Interlocked.Read(ref _entriesAppended);
    private long _entriesAppended;

    public async Task AppendAsync(string timeline, IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken = default)
    {
        TimelineStoreExtensions.RequireValidAppend(timeline, entries);
        if (entries.Count == 0) return;
        await _database.WriteAsync(commands =>
        {
            var last = ReadHead(commands, timeline).LastSeq;
            if (entries[0].Seq <= last) throw new TimelineConflictException(timeline, entries[0].Seq);
            if (entries[0].Seq != last + 1)
                throw new ArgumentException($"Append to '{timeline}' at {entries[0].Seq} leaves a gap after {last}.", nameof(entries));

            var insert = commands.Statement(_insertSql, ("$t", SqliteType.Text), ("$s", SqliteType.Integer), ("$a", SqliteType.Integer), ("$p", SqliteType.Blob));
            var (t, s, a, p) = (insert.Parameters[0], insert.Parameters[1], insert.Parameters[2], insert.Parameters[3]);
            t.Value = timeline;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                s.Value = entry.Seq;
                a.Value = entry.Timestamp.ToUnixTimeMilliseconds();
                p.Value = entry.Payload;
                insert.ExecuteNonQuery();
            }
            return true;
        });
        Interlocked.Add(ref _entriesAppended, entries.Count);
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadAfterAsync(string timeline, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenReader();
        // One snapshot for the trim check and the read: a trim committed between them would
        // otherwise make the read skip entries without saying so.
        await using var snapshot = connection.BeginTransaction(deferred: true);
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        var head = ReadHead(command, timeline);
        if (afterSeq < head.TrimmedThrough) throw new TimelineTrimmedException(timeline, head.TrimmedThrough);
        command.CommandText = $"SELECT seq, at, payload FROM {_entries} WHERE timeline = $t AND seq > $s ORDER BY seq LIMIT $n";
        return await ReadEntries(command, timeline, afterSeq, limit, cancellationToken);
    }

    public async Task<IReadOnlyList<TimelineEntry>> ReadBeforeAsync(string timeline, long beforeSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, at, payload FROM {_entries} WHERE timeline = $t AND seq < $s ORDER BY seq DESC LIMIT $n";
        var newestFirst = await ReadEntries(command, timeline, beforeSeq, limit, cancellationToken);
        newestFirst.Reverse();
        return newestFirst;
    }

    public Task ReplaceAsync(string timeline, TimelineEntry entry, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(commands =>
        {
            var update = commands.Statement(_replaceSql);
            update.Parameters.AddWithValue("$p", entry.Payload);
            update.Parameters.AddWithValue("$t", timeline);
            update.Parameters.AddWithValue("$s", entry.Seq);
            return update.ExecuteNonQuery() == 1 ? true : throw new KeyNotFoundException($"Timeline '{timeline}' holds no seq {entry.Seq}.");
        });

    public async Task<TimelineHead> GetHeadAsync(string timeline, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenReader();
        await using var command = connection.CreateCommand();
        return ReadHead(command, timeline);
    }

    public Task<int> TrimThroughAsync(string timeline, long throughSeq, int maxRows, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(commands =>
        {
            var head = ReadHead(commands, timeline);
            var through = Math.Min(Math.Min(throughSeq, head.LastSeq), head.TrimmedThrough + maxRows);
            if (through <= head.TrimmedThrough) return 0;

            var delete = commands.Statement(_trimSql);
            delete.Parameters.AddWithValue("$t", timeline);
            delete.Parameters.AddWithValue("$from", head.TrimmedThrough);
            delete.Parameters.AddWithValue("$through", through);
            var deleted = delete.ExecuteNonQuery();

            var mark = commands.Statement(_markSql);
            mark.Parameters.AddWithValue("$t", timeline);
            mark.Parameters.AddWithValue("$through", through);
            mark.ExecuteNonQuery();
            return deleted;
        });

    // The last seq is the highest entry, or the trim mark when everything has been trimmed away.
    // On a reader's own command, which goes on to other statements after this one.
    private TimelineHead ReadHead(SqliteCommand command, string timeline)
    {
        command.CommandText = _headSql;
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$t", timeline);
        return ReadHead(command);
    }

    // The same in the writer's transaction (appends and trims): its cached statement keeps its parameter.
    private TimelineHead ReadHead(SqliteCommandFactory commands, string timeline)
    {
        var command = commands.Statement(_headSql, ("$t", SqliteType.Text));
        command.Parameters[0].Value = timeline;
        return ReadHead(command);
    }

    // The head row, with the timeline already bound as $t.
    private static TimelineHead ReadHead(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        reader.Read();
        var trimmed = reader.GetInt64(1);
        return new TimelineHead(Math.Max(reader.GetInt64(0), trimmed), trimmed);
    }

    private static async Task<List<TimelineEntry>> ReadEntries(SqliteCommand command, string timeline, long seq, int limit, CancellationToken cancellationToken)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$t", timeline);
        command.Parameters.AddWithValue("$s", seq);
        command.Parameters.AddWithValue("$n", limit);
        var entries = new List<TimelineEntry>(Math.Min(limit, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new TimelineEntry(
                reader.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetFieldValue<byte[]>(2)));
        }
        return entries;
    }
}
