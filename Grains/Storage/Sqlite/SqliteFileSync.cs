using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Seqline.Storage.Sqlite;

/// <summary>
/// Syncs a connection's main database file to disk through SQLite's own file handle (its VFS's
/// <c>xSync</c>, as SQLite itself would call it), without opening the file a second time: closing
/// another descriptor of a file drops every POSIX lock this process holds on it, SQLite's included.
/// SQLitePCLRaw does not expose <c>sqlite3_file_control</c>, so it is called from the same native
/// library the provider loaded.
/// </summary>
internal static unsafe partial class SqliteFileSync
{
    // sqlite3.h: the sqlite3_file* of a database, and the flags xSync takes.
    private const int FileControlFilePointer = 7; // SQLITE_FCNTL_FILE_POINTER
    // What SQLite passes when a checkpoint syncs the database file, at synchronous NORMAL or FULL
    // alike (only PRAGMA checkpoint_fullfsync, a macOS matter, asks for more).
    private const int SyncNormal = 0x2; // SQLITE_SYNC_NORMAL

    /// <summary>Syncs the connection's main database file as a checkpoint would; throws on failure.</summary>
    public static void SyncDatabaseFile(SqliteConnection connection)
    {
        if (connection.Handle is not { IsInvalid: false } handle) throw new InvalidOperationException("Only an open connection's database file can be synced.");
        var db = handle.DangerousGetHandle();
        SqliteFile* file = null;
        var main = "main\0"u8;
        int rc;
        fixed (byte* name = main) rc = sqlite3_file_control(db, name, FileControlFilePointer, &file);
        if (rc != 0 || file is null || file->Methods is null) throw new SqliteException($"SQLite gave no file handle for the database (code {rc}).", rc);
        rc = file->Methods->Sync(file, SyncNormal);
        if (rc != 0) throw new SqliteException($"Syncing the SQLite database file failed (code {rc}).", rc);
    }

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_file_control(IntPtr db, byte* name, int op, void* arg);

    // struct sqlite3_file { const sqlite3_io_methods *pMethods; }
    [StructLayout(LayoutKind.Sequential)]
    private struct SqliteFile
    {
        public IoMethods* Methods;
    }

    // The head of struct sqlite3_io_methods, which has kept this layout since version 1.
    [StructLayout(LayoutKind.Sequential)]
    private struct IoMethods
    {
        public int Version;
        public delegate* unmanaged<SqliteFile*, int> Close;
        public delegate* unmanaged<SqliteFile*, void*, int, long, int> Read;
        public delegate* unmanaged<SqliteFile*, void*, int, long, int> Write;
        public delegate* unmanaged<SqliteFile*, long, int> Truncate;
        public delegate* unmanaged<SqliteFile*, int, int> Sync;
    }
}
