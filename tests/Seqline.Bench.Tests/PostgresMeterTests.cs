using System.Diagnostics;
using System.Text;
using Npgsql;
using Seqline.Bench.Scenarios.LargeGroup;
using Seqline.Storage.Postgres;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.Postgres;

namespace Seqline.Bench.Tests;

/// <summary>
/// What the large-group scenario reads from a PostgreSQL cluster's database: the rows a window
/// wrote per table (from the server's statistics), the inboxes that know a conversation, and the
/// largest rows. Run here against a private server; the cluster smoke test runs on Azurite.
/// </summary>
public sealed class PostgresMeterTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(maxConnections: 20);
        _database = await _server.CreateDatabaseAsync("meter");
        await using var schema = NpgsqlDataSource.Create(_database);
        await PostgresSchema.ApplyAsync(schema);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_window_counts_the_rows_written_per_table_and_the_largest_rows_are_found()
    {
        await using var readings = NpgsqlDataSource.Create(_database);
        var meter = new PostgresMeter(readings);
        var window = await meter.StartCounting();

        await using (var writer = NpgsqlDataSource.Create(_database))
        {
            var index = new PostgresRowStore(writer, RowStoreNames.ConversationIndex, createSchema: false);
            var members = new PostgresRowStore(writer, RowStoreNames.Members, createSchema: false);
            foreach (var user in new[] { "u1", "u2", "u3" }) await index.ChangeAsync(user, [new Row("c1", Encoding.UTF8.GetBytes("joined"))], []);
            await index.ChangeAsync("u1", [new Row("c2", new byte[40])], []);
            await members.ChangeAsync("c1", [new Row("u1", new byte[5]), new Row("u2", new byte[9])], ["gone"]);
        }

        // A backend reports its counts when its transaction ends, at most once a second, or as it
        // exits. (The schema's own inserts may be reported in the window too: they are Orleans' tables.)
        await Eventually(async () => (await window.Count()).Breakdown.GetValueOrDefault("members_rows") == 2, "the rows written to be reported");
        var counted = await window.Count();
        Assert.Equal(4, counted.Breakdown["index_rows"]);
        Assert.Equal(2, counted.Breakdown["members_rows"]);
        Assert.Equal(0, counted.GrainStateWrites);
        Assert.Equal(0, counted.TimelineRows);
        Assert.Equal(3, await meter.IndexRowsOf("c1"));
        Assert.Equal(1, await meter.IndexRowsOf("c2"));
        var largest = await meter.LargestRows();
        Assert.Equal([("members_rows", "c1 u2", 9L), ("index_rows", "u1 c2", 40L)], largest.Select(r => (r.Table, r.Owner, r.Bytes)));
        Assert.Null(await meter.LargestGrainState());
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"Waited 60 s for {what}.");
            await Task.Delay(200);
        }
    }
}
