using Azure.Data.Tables;
using Npgsql;
using Seqline.Hosting;
using Seqline.Timelines;
using Seqline.Timelines.AzureTables;
using Seqline.Timelines.Postgres;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// The shared store a cluster of silo processes runs on, started for one run and removed after it:
/// Azure tables in Azurite (in memory) or a private PostgreSQL server. Gives each silo its settings
/// and the bench the product's stores to read back what the cluster wrote.
/// </summary>
public sealed class ClusterStore : IAsyncDisposable
{
    private AzuriteService? _azurite;
    private PostgresServer? _server;
    private NpgsqlDataSource? _database;

    private ClusterStore(StorageProvider provider, string name)
    {
        Provider = provider;
        TablePrefix = name + Guid.NewGuid().ToString("N")[..8];
    }

    public StorageProvider Provider { get; }

    /// <summary>Every table name of the cluster starts with this (Azure tables).</summary>
    public string TablePrefix { get; }

    /// <summary>The cluster's database (PostgreSQL).</summary>
    public NpgsqlDataSource Database => _database ?? throw new InvalidOperationException("The cluster runs on Azure tables.");

    /// <summary>The cluster's table service (Azure tables).</summary>
    public TableServiceClient Tables => new(AzuriteService.ConnectionString(_azurite ?? throw new InvalidOperationException("The cluster runs on PostgreSQL.")));

    /// <summary>Starts <paramref name="provider"/> (<c>AzureTables</c> or <c>Postgres</c>); <paramref name="name"/> names the database and prefixes the tables.</summary>
    public static async Task<ClusterStore> StartAsync(StorageProvider provider, string name)
    {
        var store = new ClusterStore(provider, name);
        try
        {
            switch (provider)
            {
                case StorageProvider.AzureTables:
                    store._azurite = await AzuriteService.StartAsync("table");
                    break;
                case StorageProvider.Postgres:
                    store._server = await PostgresServer.StartAsync();
                    store._database = NpgsqlDataSource.Create(await store._server.CreateDatabaseAsync(name));
                    break;
                default:
                    throw new ArgumentException($"A cluster runs on AzureTables or Postgres, not {provider}.", nameof(provider));
            }
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>One silo's settings (<see cref="NodeSettings"/>) on fresh loopback ports.</summary>
    public Dictionary<string, string> SiloSettings()
    {
        var ports = LoopbackPorts.Take(3);
        return _database is { } database
            ? NodeSettings.Postgres(SiloConnectionString(database.ConnectionString), ports[0], ports[1], ports[2])
            : NodeSettings.AzureTables(AzuriteService.ConnectionString(_azurite!), TablePrefix, ports[0], ports[1], ports[2]);
    }

    // A silo opens two pools (Orleans' ADO.NET providers, Seqline's stores), each of up to 100
    // connections by default: with three silos busy that is more than the server takes, and the
    // refused connections fail calls (docs/deploy.md says the same to operators).
    public const int PostgresPoolPerSilo = 40;

    private static string SiloConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = PostgresPoolPerSilo }.ConnectionString;

    /// <summary>The product's timeline store <paramref name="name"/> (<see cref="TimelineStoreNames"/>), reading what the cluster wrote.</summary>
    public ITimelineStore Timelines(string name) => _database is { } database
        ? new PostgresTimelineStore(database, name)
        : new AzureTableTimelineStore(AzuriteService.ConnectionString(_azurite!), TablePrefix + name);

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
