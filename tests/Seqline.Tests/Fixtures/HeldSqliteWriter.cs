using Seqline.Storage.Sqlite;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// Keeps a database's single writer busy inside a write of its own, so that every write queued
/// meanwhile waits for the same next group commit. Dispose releases it should a test fail first,
/// or the writer thread would never finish.
/// </summary>
public sealed class HeldSqliteWriter : IDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _held = Task.CompletedTask;

    private HeldSqliteWriter() { }

    /// <summary>Returns once the writer is inside the holding write.</summary>
    public static async Task<HeldSqliteWriter> Hold(SqliteDatabase database)
    {
        var writer = new HeldSqliteWriter();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        writer._held = database.WriteAsync(_ =>
        {
            holding.SetResult();
            writer._release.Task.Wait();
            return true;
        });
        await holding.Task;
        return writer;
    }

    /// <summary>Lets the writer go on; returns once the holding write's own commit is durable.</summary>
    public Task Release()
    {
        _release.TrySetResult();
        return _held;
    }

    public void Dispose() => _release.TrySetResult();
}
