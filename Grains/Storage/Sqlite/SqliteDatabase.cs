using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Seqline.Storage.Sqlite;

/// <summary>
/// One SQLite database with a single writer that commits group-wise: every write queued while the
/// previous commit was on disk goes into the next transaction, each under its own savepoint so one
/// failing write does not undo the others (unless SQLite rolls the whole transaction back: then
/// every write of the batch fails). An fsync per batch instead of per write is what makes
/// <c>synchronous=FULL</c> affordable. Readers use their own pooled connections (WAL).
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly Channel<IQueuedWrite> _queue = Channel.CreateUnbounded<IQueuedWrite>(new() { SingleReader = true });
    private readonly SqliteOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteMetrics? _metrics;
    private readonly Thread _writer;
    private readonly SqliteCheckpointer _checkpointer;
    private readonly string _connectionString;

    /// <param name="metrics">Where to report the writer's queue and commits; none in tools and tests that open a file directly.</param>
    public SqliteDatabase(SqliteOptions options, ILogger<SqliteDatabase> logger, SqliteMetrics? metrics = null)
    {
        _options = options;
        _logger = logger;
        _metrics = metrics;
        Directory.CreateDirectory(Path.GetDirectoryName(options.DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using (var connection = OpenWriterConnection())
        {
            // WAL is a property of the file; set it once before anyone reads.
            Execute(connection, "PRAGMA journal_mode=WAL;");
        }
        metrics?.ObserveQueue(() => Interlocked.Read(ref _queued));
        _checkpointer = new SqliteCheckpointer(OpenCheckpointConnection, options.WalAutoCheckpointPages, logger, metrics);
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "seqline-sqlite-writer" };
        _writer.Start();
    }

    public string FilePath => _options.DatabasePath;

    /// <summary>Transactions the writer has committed: with group commit, far fewer than <see cref="WritesCommitted"/>.</summary>
    public long Commits => Interlocked.Read(ref _commits);
    private long _commits;

    /// <summary>Writes that succeeded and are durable (a write that threw is not counted).</summary>
    public long WritesCommitted => Interlocked.Read(ref _writesCommitted);
    private long _writesCommitted;

    /// <summary>
    /// Pages the writer had to read back from the WAL or the database file because its cache
    /// (<see cref="SqliteOptions.WriterCacheMiB"/>) no longer held them.
    /// </summary>
    public long WriterCacheMisses => Interlocked.Read(ref _writerCacheMisses);
    private long _writerCacheMisses;

    /// <summary>Checkpoints that copied the WAL back into the database file, beside the writer.</summary>
    public long Checkpoints => _checkpointer.Checkpoints;

    // Writes waiting for the writer; counted here because a single-reader channel cannot count them.
    private long _queued;

    /// <summary>Opens a pooled connection for reading.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="write"/> inside the next group commit and completes once that commit is
    /// durable. An exception thrown by <paramref name="write"/> undoes only its own changes.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteCommandFactory, T> write)
    {
        var queued = new QueuedWrite<T>(write);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(queued))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(SqliteDatabase));
        }
        return queued.Completion.Task;
    }

    /// <summary>Table-name prefixes of the stores in this database: lower-case letters, safe to splice into SQL.</summary>
    public static string RequireStoreName(string name, string kind) =>
        name.Length > 0 && name.All(char.IsAsciiLetterLower) ? name : throw new ArgumentException($"{kind} names are lower-case letters.", nameof(name));

    /// <summary>
    /// Runs idempotent schema statements (a store's <c>EnsureCreatedAsync</c>) at once on a
    /// connection of their own, outside the group commit: they run before the store's first write.
    /// </summary>
    public async Task EnsureSchemaAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenWriterConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join();
        _checkpointer.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private SqliteConnection OpenWriterConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    // The writer thread's connection: durable as configured, never checkpointing inside a commit
    // (the checkpointer does that beside it), and with a cache that holds what the next commits
    // touch again (a negative cache_size is in KiB).
    private SqliteConnection OpenCommitConnection()
    {
        var connection = OpenCheckpointConnection();
        Execute(connection, "PRAGMA wal_autocheckpoint=0;");
        Execute(connection, $"PRAGMA cache_size=-{_options.WriterCacheMiB * 1024L};");
        return connection;
    }

    // Durable as configured: a commit, and a checkpoint, syncs the files as its own connection says.
    private SqliteConnection OpenCheckpointConnection()
    {
        var connection = OpenWriterConnection();
        Execute(connection, $"PRAGMA synchronous={_options.Synchronous.ToString().ToUpperInvariant()};");
        return connection;
    }

    private void WriteLoop()
    {
        var commands = new SqliteCommandFactory(OpenCommitConnection());
        try
        {
            var batch = new List<IQueuedWrite>();
            var reader = _queue.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (batch.Count < _options.MaxWritesPerCommit && reader.TryRead(out var write)) batch.Add(write);
                Interlocked.Add(ref _queued, -batch.Count);
                if (Commit(commands, batch)) _checkpointer.Committed(commands.Connection);
                else commands = Usable(commands);
                CountCacheMisses(commands.Connection);
                batch.Clear();
            }
        }
        finally
        {
            commands.Dispose();
        }
    }

    /// <summary>
    /// Commits the batch; false if its transaction was lost. Every write of the batch is completed
    /// exactly once, whatever fails: one that throws fails alone (its savepoint is rolled back) while
    /// the transaction stands, and all of them fail once the transaction is gone.
    /// </summary>
    private bool Commit(SqliteCommandFactory commands, List<IQueuedWrite> batch)
    {
        var done = new List<IQueuedWrite>(batch.Count);
        var next = 0;
        var started = Stopwatch.GetTimestamp();
        var connection = commands.Connection;
        try
        {
            using var transaction = connection.BeginTransaction();
            commands.Use(transaction);
            for (; next < batch.Count; next++)
            {
                var write = batch[next];
                commands.Statement("SAVEPOINT w").ExecuteNonQuery();
                try
                {
                    write.Run(commands);
                    commands.Statement("RELEASE w").ExecuteNonQuery();
                    done.Add(write);
                }
                catch (Exception error) when (InTransaction(connection))
                {
                    commands.Statement("ROLLBACK TO w").ExecuteNonQuery();
                    commands.Statement("RELEASE w").ExecuteNonQuery();
                    write.Fail(error);
                }
            }
            transaction.Commit();
        }
        catch (Exception error)
        {
            // The engine rolled the whole transaction back (IOERR, NOMEM, BUSY, a trigger's
            // RAISE(ROLLBACK)), or it could not begin or commit: nothing of the batch is stored.
            // The writes that ran fail, and so do the one running and those that never ran, which
            // must not run outside a transaction.
            _logger.LogError(error, "SQLite group commit of {Count} writes failed; none of them is stored", done.Count + batch.Count - next);
            _metrics?.CommitFailed(Stopwatch.GetElapsedTime(started));
            foreach (var write in done) write.Fail(error);
            for (var i = next; i < batch.Count; i++) batch[i].Fail(error);
            return false;
        }
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writesCommitted, done.Count);
        _metrics?.Committed(done.Count, Stopwatch.GetElapsedTime(started));
        foreach (var write in done) write.Complete();
        return true;
    }

    // The writer's cache misses since the last call (SQLite resets the counter as it is read).
    private void CountCacheMisses(SqliteConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        if (SQLitePCL.raw.sqlite3_db_status(connection.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_MISS, out var misses, out _, 1) != SQLitePCL.raw.SQLITE_OK || misses == 0) return;
        Interlocked.Add(ref _writerCacheMisses, misses);
        _metrics?.WriterCacheMissed(misses);
    }

    // Outside a transaction SQLite is in autocommit mode: a failure that leaves it there has
    // rolled back everything of the batch, savepoints included.
    private static bool InTransaction(SqliteConnection connection) =>
        connection.State == System.Data.ConnectionState.Open && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0;

    /// <summary>
    /// The writer's connection after a lost transaction: as it is when it is back in autocommit
    /// mode, else a new one (a transaction that not even a rollback ended must not take the next
    /// batch in). If no new one opens, the next batch fails and this is tried again.
    /// </summary>
    private SqliteCommandFactory Usable(SqliteCommandFactory commands)
    {
        var connection = commands.Connection;
        if (connection.State == System.Data.ConnectionState.Open && !InTransaction(connection)) return commands;
        _logger.LogWarning("The SQLite writer's connection is still inside a failed transaction; opening a new one");
        try
        {
            var fresh = new SqliteCommandFactory(OpenCommitConnection());
            // Keep the old connection, transaction and all, out of the pool the readers use.
            SqliteConnection.ClearPool(connection);
            commands.Dispose();
            return fresh;
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Opening a new SQLite writer connection failed; the next commit tries again");
            return commands;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private interface IQueuedWrite
    {
        void Run(SqliteCommandFactory commands);
        void Complete();
        void Fail(Exception error);
    }

    private sealed class QueuedWrite<T>(Func<SqliteCommandFactory, T> write) : IQueuedWrite
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Run(SqliteCommandFactory commands) => _result = write(commands);
        public void Complete() => Completion.TrySetResult(_result!);
        public void Fail(Exception error) => Completion.TrySetException(error);
    }
}

/// <summary>
/// The writer's statements, bound to its current transaction. Each SQL text is compiled once per
/// writer connection and kept: Microsoft.Data.Sqlite keeps a prepared statement only as long as its
/// command, and compiling the same few statements again for every write was a share of the single
/// writer's time and of the node's allocations. A write sets the parameters of the command it gets
/// and runs it; the command stays the writer's, so the write never disposes it and never changes
/// its text. Stores splice only table names into their SQL, never values, so the texts are few.
/// </summary>
public sealed class SqliteCommandFactory : IDisposable
{
    // Far above what the stores use (a few statements each); past it the cache starts over.
    private const int MaxStatements = 256;

    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    internal SqliteCommandFactory(SqliteConnection connection) => Connection = connection;

    internal SqliteConnection Connection { get; }

    internal void Use(SqliteTransaction transaction) => _transaction = transaction;

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, in the writer's transaction. Not to be disposed.</summary>
    public SqliteCommand Statement(string sql)
    {
        var command = Cached(sql);
        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// The command for <paramref name="sql"/> with the parameters it binds, made the first time and
    /// kept with it: the caller sets their values, in the order given. For the statements run for
    /// every append, where new parameter objects each time were a share of what the node allocated.
    /// </summary>
    public SqliteCommand Statement(string sql, params ReadOnlySpan<(string Name, SqliteType Type)> parameters)
    {
        var command = Cached(sql);
        // Made here, or cleared since by the other overload for the same statement.
        if (command.Parameters.Count != parameters.Length)
        {
            command.Parameters.Clear();
            foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        }
        return command;
    }

    private SqliteCommand Cached(string sql)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            if (_statements.Count >= MaxStatements) DisposeStatements();
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _statements[sql] = command;
        }
        command.Transaction = _transaction;
        return command;
    }

    public void Dispose()
    {
        DisposeStatements();
        Connection.Dispose();
    }

    private void DisposeStatements()
    {
        foreach (var command in _statements.Values) command.Dispose();
        _statements.Clear();
    }
}
