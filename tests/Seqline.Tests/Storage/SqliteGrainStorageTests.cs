using Microsoft.Extensions.Logging.Abstractions;
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

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
