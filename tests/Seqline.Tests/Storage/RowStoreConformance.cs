using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.AzureTables;
using Seqline.Storage.Rows.Memory;
using Seqline.Storage.Rows.Postgres;
using Seqline.Storage.Rows.Sqlite;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// The behaviour every row store must show. Each provider runs it through a subclass that supplies
/// a real store (SQLite files, Azurite, memory), built as a silo builds it: no I/O until its tables
/// are created.
/// </summary>
public abstract class RowStoreConformance : IAsyncLifetime
{
    protected abstract IRowStore Store { get; }

    public Task InitializeAsync() => Store.EnsureCreatedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static string NewOwner() => "o-" + Guid.NewGuid().ToString("N");

    private static Row R(string key, string value) => new(key, Encoding.UTF8.GetBytes(value));

    private async Task<List<(string, string)>> Rows(string owner) => (await Store.ReadAsync(owner))
        .Select(r => (r.Key, Encoding.UTF8.GetString(r.Value))).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Creating_the_tables_again_keeps_the_rows()
    {
        var o = NewOwner();
        await Store.ChangeAsync(o, [R("ann", "a")], []);

        // As silos starting together do: several at once, then one more.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Store.EnsureCreatedAsync()));
        await Store.EnsureCreatedAsync();

        Assert.Equal([("ann", "a")], await Rows(o));
    }

    [Fact]
    public async Task An_unknown_owner_has_no_rows()
    {
        Assert.Empty(await Store.ReadAsync(NewOwner()));
    }

    [Fact]
    public async Task A_point_read_finds_the_row_of_its_owner_and_key_or_nothing()
    {
        var (a, b) = (NewOwner(), NewOwner());
        await Store.ChangeAsync(a, [R("ann", "1"), R("bob", "2")], []);
        await Store.ChangeAsync(b, [R("bob", "other owner"), R("cid", "3")], []);
        await Store.ChangeAsync(a, [R("bob", "2 again")], ["ann"]);

        Assert.Equal("2 again", Encoding.UTF8.GetString((await Store.ReadAsync(a, "bob"))!.Value));
        Assert.Equal("bob", (await Store.ReadAsync(a, "bob"))!.Key);
        Assert.Equal("other owner", Encoding.UTF8.GetString((await Store.ReadAsync(b, "bob"))!.Value));
        Assert.Null(await Store.ReadAsync(a, "ann"));
        Assert.Null(await Store.ReadAsync(a, "cid"));
        Assert.Null(await Store.ReadAsync(NewOwner(), "bob"));
    }

    [Fact]
    public async Task Rows_are_kept_per_owner_and_replaced_by_key()
    {
        var (a, b) = (NewOwner(), NewOwner());
        await Store.ChangeAsync(a, [R("ann", "1"), R("bob", "2"), R("cid", "3")], []);
        await Store.ChangeAsync(b, [R("bob", "other owner")], []);
        await Store.ChangeAsync(a, [R("bob", "2 again")], ["cid"]);

        Assert.Equal([("ann", "1"), ("bob", "2 again")], await Rows(a));
        Assert.Equal([("bob", "other owner")], await Rows(b));
    }

    [Fact]
    public async Task Changes_are_idempotent_and_a_key_in_both_lists_is_written()
    {
        var o = NewOwner();
        await Store.ChangeAsync(o, [R("ann", "a"), R("bob", "b")], []);
        await Store.ChangeAsync(o, [R("ann", "a"), R("bob", "b")], ["nobody", "neither"]);
        Assert.Equal([("ann", "a"), ("bob", "b")], await Rows(o));

        await Store.ChangeAsync(o, [R("cid", "c")], ["ann"]);
        await Store.ChangeAsync(o, [R("cid", "c")], ["ann"]);
        Assert.Equal([("bob", "b"), ("cid", "c")], await Rows(o));

        await Store.ChangeAsync(o, [R("bob", "kept")], ["bob", "cid"]);
        Assert.Equal([("bob", "kept")], await Rows(o));
    }

    [Fact]
    public async Task Thousands_of_rows_go_in_and_out_in_one_change_and_values_keep_their_bytes()
    {
        var o = NewOwner();
        var random = new Random(5);
        var rows = Enumerable.Range(0, 2_500).Select(i =>
        {
            var value = new byte[i % 7 == 0 ? Row.MaxValueBytes : 40];
            random.NextBytes(value);
            return new Row($"key-{i:00000}", value);
        }).ToList();
        await Store.ChangeAsync(o, rows, []);
        var read = (await Store.ReadAsync(o)).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(rows.Select(r => r.Key), read.Select(r => r.Key));
        Assert.All(rows.Zip(read), p => Assert.Equal(p.First.Value, p.Second.Value));

        var leaving = rows.Where((_, i) => i % 2 == 0).Select(r => r.Key).Concat(["ghost-1", "ghost-2"]).ToList();
        await Store.ChangeAsync(o, [], leaving);
        Assert.Equal(rows.Where((_, i) => i % 2 == 1).Select(r => r.Key), (await Store.ReadAsync(o)).Select(r => r.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_value_over_the_limit_is_refused_and_nothing_changes()
    {
        var o = NewOwner();
        await Store.ChangeAsync(o, [R("ann", "a")], []);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.ChangeAsync(o, [R("bob", "b"), new Row("big", new byte[Row.MaxValueBytes + 1])], ["ann"]));
        Assert.Equal([("ann", "a")], await Rows(o));
    }
}

public sealed class MemoryRowStoreTests : RowStoreConformance
{
    protected override IRowStore Store { get; } = new MemoryRowStore();
}

public sealed class SqliteRowStoreTests : RowStoreConformance, IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly SqliteDatabase _database;

    public SqliteRowStoreTests()
    {
        _database = new SqliteDatabase(new SqliteOptions { DataDirectory = _data.Path }, NullLogger<SqliteDatabase>.Instance);
        Store = new SqliteRowStore(_database, "rows");
    }

    protected override IRowStore Store { get; }

    public void Dispose()
    {
        _database.Dispose();
        _data.Dispose();
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableRowStoreTests(AzuriteFixture azurite) : RowStoreConformance
{
    protected override IRowStore Store { get; } =
        new AzureTableRowStore(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString), "rows" + Guid.NewGuid().ToString("N"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRowStoreTests(PostgresFixture postgres) : RowStoreConformance
{
    protected override IRowStore Store { get; } = new PostgresRowStore(postgres.Database, RowStoreNames.Members);
}
