using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace Seqline.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a thread and connection of its own, so that no
/// commit waits for a checkpoint. SQLite's automatic checkpoint runs inside the commit that crosses
/// its threshold: that commit, and every write queued behind it, waited for the whole copy and the
/// database file's fsync (70–80 ms about once a second in the e2e benchmark at 500 sends/s). WAL
/// mode lets a checkpointer work beside the writer: a PASSIVE checkpoint copies what is committed
/// when it starts. SQLite starts the WAL over only when a write transaction begins with all of it
/// copied (and no reader on it), which under steady writes never happens beside a checkpointer that
/// lags by what the writer added meanwhile; so after each pass the writer copies that remainder
/// itself, a few pages instead of the whole threshold, and its next transaction starts the WAL over.
/// SQLite syncs the database file only in a checkpoint that copies all of the WAL, so that would be
/// the writer's, and its fsync would flush every page the pass wrote (21–28 ms on the benchmark's
/// disk, once a second, with every commit waiting): the checkpointer syncs the file itself after
/// its pass, and the writer's sync finds only its remainder to flush.
/// </summary>
internal sealed partial class SqliteCheckpointer : IDisposable
{
    private readonly Func<SqliteConnection> _open;
    private readonly int _pagesBetweenCheckpoints;
    private readonly ILogger _logger;
    private readonly SqliteMetrics? _metrics;
    private readonly AutoResetEvent _due = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _passDone;
    private long _pagesSinceRequest;
    private long _checkpoints;

    /// <param name="open">Opens the checkpointer's connection, synchronous as the writer's (a checkpoint syncs the files as its connection says).</param>
    public SqliteCheckpointer(Func<SqliteConnection> open, int pagesBetweenCheckpoints, ILogger logger, SqliteMetrics? metrics)
    {
        _open = open;
        _pagesBetweenCheckpoints = pagesBetweenCheckpoints;
        _logger = logger;
        _metrics = metrics;
        _thread = new Thread(CheckpointLoop) { IsBackground = true, Name = "seqline-sqlite-checkpointer" };
        _thread.Start();
    }

    /// <summary>Checkpoints that completed.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>
    /// Called by the writer after each commit, with its connection: after a pass of the checkpointer,
    /// copies what the writer added during it; counts the pages the commit wrote to the WAL and asks
    /// for a checkpoint each time they reach the threshold. Never throws: the writer thread must not.
    /// </summary>
    public void Committed(SqliteConnection writer)
    {
        if (_passDone)
        {
            _passDone = false;
            Checkpoint(writer, "writer");
        }
        // Pages written to the WAL since the last call (the counter is reset as it is read).
        if (raw.sqlite3_db_status(writer.Handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1) != raw.SQLITE_OK) return;
        _pagesSinceRequest += written;
        if (_pagesSinceRequest < _pagesBetweenCheckpoints) return;
        _pagesSinceRequest = 0;
        _due.Set();
    }

    /// <summary>Stops the checkpointer (after the writer: nothing calls <see cref="Committed"/> any more). Idempotent.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _due.Set();
        _thread.Join();
        _due.Dispose();
    }

    // Anything that threw out of here would end the process: every failure is logged and the next request tries again.
    private void CheckpointLoop()
    {
        SqliteConnection? connection = null;
        try
        {
            while (true)
            {
                _due.WaitOne();
                // The writer's remainder of the last pass first: a checkpoint waits for any other
                // to end, and the writer must not wait for a whole pass. It commits every few
                // milliseconds while pages are due, so this wait is short; bounded all the same.
                for (var waited = 0; _passDone && !_stopping && waited < 100; waited++) Thread.Sleep(1);
                if (_stopping) return;
                try
                {
                    connection ??= _open();
                }
                catch (Exception error)
                {
                    LogCheckpointFailed(error, "checkpointer");
                    continue;
                }
                if (Checkpoint(connection, "checkpointer", rounds: 2, syncFile: true)) _passDone = true;
                else
                {
                    connection.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    // A PASSIVE checkpoint on the connection given, then (if asked) a sync of the database file,
    // which an incomplete pass leaves to whoever completes one; false (logged and measured) if it failed.
    private bool Checkpoint(SqliteConnection connection, string by, int rounds = 1, bool syncFile = false)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            for (var round = 0; round < rounds; round++)
            {
                command.ExecuteNonQuery();
                if (syncFile) SqliteFileSync.SyncDatabaseFile(connection);
            }
            Interlocked.Increment(ref _checkpoints);
            _metrics?.Checkpointed(by, Stopwatch.GetElapsedTime(started));
            return true;
        }
        catch (Exception error)
        {
            _metrics?.CheckpointFailed(by, Stopwatch.GetElapsedTime(started));
            LogCheckpointFailed(error, by);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint by the {By} failed; the WAL keeps growing until one succeeds")]
    private partial void LogCheckpointFailed(Exception error, string by);
}
