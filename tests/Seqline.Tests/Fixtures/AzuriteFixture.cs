namespace Seqline.Tests.Fixtures;

/// <summary>
/// Azurite's Table and Queue services (<see cref="AzuriteService"/>), in memory on free loopback ports,
/// shared by the tests that need Azure Storage. Azurite comes from the repo's package.json, so the tests
/// need no network.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly List<AzuriteService> _services = [];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var table = await AzuriteService.StartAsync("table");
        _services.Add(table);
        var queue = await AzuriteService.StartAsync("queue");
        _services.Add(queue);
        ConnectionString = AzuriteService.ConnectionString(table, queue);
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _services) await service.DisposeAsync();
    }
}

/// <summary>Test classes in this collection share one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
