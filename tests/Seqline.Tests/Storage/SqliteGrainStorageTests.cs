using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Runtime;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>Grain state on the embedded node: versions as ETags, stale writers refused.</summary>
public sealed class SqliteGrainStorageTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SqliteDatabase _database;
    private readonly SqliteGrainStorage _storage;
    private readonly GrainId _grain = GrainId.Create("conversation", "c-1");

    public SqliteGrainStorageTests()
    {
        _database = new SqliteDatabase(new SqliteOptions { DataDirectory = _directory.Path }, NullLogger<SqliteDatabase>.Instance);
        _storage = new SqliteGrainStorage(_database, new JsonSerializer());
    }

    public Task InitializeAsync() => _storage.EnsureCreatedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed class JsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);
        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }

    private sealed class TestState<T> : IGrainState<T> where T : new()
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = new();
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    [Fact]
    public async Task State_round_trips_and_a_stale_etag_is_refused_without_changing_anything()
    {
        var first = new TestState<ConversationState>();
        first.State.Title = "one";
        first.State.PendingRecalls.Add(7);
        await _storage.WriteStateAsync("conversation", _grain, first);
        Assert.True(first.RecordExists);

        var reader = new TestState<ConversationState>();
        await _storage.ReadStateAsync("conversation", _grain, reader);
        Assert.Equal(("one", first.ETag), (reader.State.Title, reader.ETag));
        Assert.Contains(7L, reader.State.PendingRecalls);

        reader.State.Title = "two";
        await _storage.WriteStateAsync("conversation", _grain, reader);
        first.State.Title = "stale";
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("conversation", _grain, first));
        var twice = new TestState<ConversationState>();
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("conversation", _grain, twice));
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync("conversation", _grain, first));

        var check = new TestState<ConversationState>();
        await _storage.ReadStateAsync("conversation", _grain, check);
        Assert.Equal("two", check.State.Title);

        await _storage.ClearStateAsync("conversation", _grain, check);
        var gone = new TestState<ConversationState>();
        await _storage.ReadStateAsync("conversation", _grain, gone);
        Assert.False(gone.RecordExists);
        Assert.Null(gone.ETag);
    }

    private static Serializer OrleansSerializer() =>
        new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(ConversationState).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>();

    private async Task<byte[]> StoredData()
    {
        await using var connection = _database.OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM grain_state WHERE state_name = 'conversation' AND grain_id = $g";
        command.Parameters.AddWithValue("$g", _grain.ToString());
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_node_writes_state_in_orleans_binary_form_after_its_mark_and_reads_it_back()
    {
        var storage = new SqliteGrainStorage(_database, new SqliteStateFormat(OrleansSerializer(), new JsonSerializer()));
        var written = new TestState<ConversationState>();
        written.State.Title = "binary";
        written.State.PendingRecalls.AddRange([3, 5]);
        written.State.Admins.Add("ann");
        await storage.WriteStateAsync("conversation", _grain, written);

        var data = await StoredData();
        Assert.Equal(SqliteStateFormat.OrleansBinary, data[0]);
        var read = new TestState<ConversationState>();
        await storage.ReadStateAsync("conversation", _grain, read);
        Assert.Equal(("binary", written.ETag), (read.State.Title, read.ETag));
        Assert.Equal([3L, 5L], read.State.PendingRecalls);
        Assert.Equal(["ann"], read.State.Admins);
    }

    [Fact]
    public async Task State_stored_as_json_before_is_read_and_written_back_in_the_new_form()
    {
        var before = new TestState<ConversationState>();
        before.State.Title = "from an earlier version";
        await _storage.WriteStateAsync("conversation", _grain, before); // the JSON serializer: no mark
        Assert.Equal((byte)'{', (await StoredData())[0]);

        var storage = new SqliteGrainStorage(_database, new SqliteStateFormat(OrleansSerializer(), new JsonSerializer()));
        var read = new TestState<ConversationState>();
        await storage.ReadStateAsync("conversation", _grain, read);
        Assert.Equal("from an earlier version", read.State.Title);

        read.State.Title = "saved again";
        await storage.WriteStateAsync("conversation", _grain, read);
        Assert.Equal(SqliteStateFormat.OrleansBinary, (await StoredData())[0]);
        var again = new TestState<ConversationState>();
        await storage.ReadStateAsync("conversation", _grain, again);
        Assert.Equal("saved again", again.State.Title);
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
