namespace Seqline.Tests.Fixtures;

/// <summary>One full node on SQLite shared by the edge tests of a collection.</summary>
public sealed class SeqlineNodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public SeqlineServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SeqlineServer.StartNode(_data.Path);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SeqlineNodeCollection : ICollectionFixture<SeqlineNodeFixture>
{
    public const string Name = "Seqline node";
}
