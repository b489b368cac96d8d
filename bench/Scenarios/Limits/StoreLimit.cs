using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Seqline.Bench.Infrastructure;
using Seqline.Hosting;
using Seqline.Storage.Postgres;
using Seqline.Storage.Sqlite;
using Seqline.Timelines;
using Seqline.Timelines.Postgres;
using Seqline.Timelines.Sqlite;

namespace Seqline.Bench.Scenarios.Limits;

/// <summary>
/// A timeline store alone, no Orleans: the SQLite one (the node's own <see cref="SqliteDatabase"/>, group
/// commit, WAL, synchronous=FULL, the node's default options), or the PostgreSQL one on a private server.
/// </summary>
public static class StoreLimit
{
    /// <summary>
    /// Two shapes: <b>batched</b>, appenders that each append <c>batch</c> rows at a time to their own timeline
    /// (the "raw store rows/s"); and <b>scattered</b>, as many single-row appends to different timelines
    /// in flight as there are timelines (the shape of write fan-out into inboxes).
    /// </summary>
    public static async Task<StoreLimitResult> MeasureAsync(LimitsOptions options, string workDirectory, IPhase phase)
    {
        var payload = new byte[options.PayloadBytes];
        new Random(7).NextBytes(payload);

        await using var postgres = options.Store == StorageProvider.Postgres ? await PostgresServer.StartAsync() : null;
        phase.Describe($"batched: {options.StoreAppenders} appenders x {options.StoreBatch} rows");
        var batched = await RunAsync(Path.Combine(workDirectory, "batched"), postgres, options, phase, options.StoreAppenders, options.StoreBatch, payload);
        phase.Describe($"scattered: {options.ScatterTimelines} timelines x 1 row");
        var scattered = await RunAsync(Path.Combine(workDirectory, "scattered"), postgres, options, phase, options.ScatterTimelines, 1, payload);
        return new StoreLimitResult(batched, scattered, options.StoreAppenders, options.StoreBatch, options.ScatterTimelines, options.PayloadBytes);
    }

    private static async Task<double> RunAsync(string directory, PostgresServer? postgres, LimitsOptions options, IPhase phase, int appenders, int batch, byte[] payload)
    {
        using var sqlite = postgres is null ? new SqliteDatabase(new SqliteOptions { DataDirectory = directory }, NullLogger<SqliteDatabase>.Instance) : null;
        // Npgsql's default pool, as a node has: at most 100 connections, so at most 100 appends at once.
        await using var database = postgres is null ? null : NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        ITimelineStore store = database is null
            ? new SqliteTimelineStore(sqlite!, TimelineStoreNames.Conversations)
            : new PostgresTimelineStore(database, TimelineStoreNames.Conversations);
        await store.EnsureCreatedAsync();
        long rows = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
        {
            var timeline = $"t{a:D6}";
            for (long seq = 0; !stop.IsCancellationRequested; seq += batch)
            {
                var now = DateTimeOffset.UtcNow;
                var entries = new TimelineEntry[batch];
                for (var i = 0; i < batch; i++) entries[i] = new TimelineEntry(seq + 1 + i, now, payload);
                await store.AppendAsync(timeline, entries);
                Interlocked.Add(ref rows, batch);
            }
        })).ToList();
        try
        {
            var (count, seconds) = await Windowed.MeasureAsync(() => Interlocked.Read(ref rows), options.Warmup, options.Duration, phase);
            return count / seconds;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

/// <summary>Raw store throughput, rows per second.</summary>
public sealed record StoreLimitResult(double BatchedRowsPerSecond, double ScatteredRowsPerSecond, int Appenders, int Batch, int ScatterTimelines, int PayloadBytes);
