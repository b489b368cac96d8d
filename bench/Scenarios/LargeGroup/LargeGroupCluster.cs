using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Seqline.Bench.Infrastructure;
using Seqline.Hosting;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// Silo processes (<c>Seqline.Silo</c>, each with its edge) forming a cluster on Azure tables in
/// Azurite or on PostgreSQL (<see cref="ClusterStore"/>), and an Orleans client of that cluster in
/// the bench's process, found through the membership table as an edge-only node finds it. The devices are the client's observers, so every
/// push crosses from an inbox's silo through a gateway to the bench, as it would to an edge node.
/// </summary>
internal sealed class LargeGroupCluster : ILargeGroupTarget
{
    // The bench's devices never renew their registrations as edge nodes do every minute, and the
    // joins of a large group on Azurite take longer than the product's three minutes of grace.
    private const string ObserverExpiry = "02:00:00";

    // Creating a group writes all its member rows before the call returns, 100,000 of them in the
    // full run, on a store that shares two cores with three silos: far more than Orleans' 30 s.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(10);

    private readonly ClusterStore _store;
    private readonly List<NodeProcess> _silos;
    private readonly IHost _client;

    private LargeGroupCluster(ClusterStore store, List<NodeProcess> silos, IHost client, TimeSpan checkpointInterval)
    {
        (_store, _silos, _client) = (store, silos, client);
        Grains = client.Services.GetRequiredService<IClusterClient>();
        Store = store.Provider == StorageProvider.Postgres ? new PostgresMeter(store.Database) : new AzureTableMeter(store.Tables, store.TablePrefix);
        CheckpointInterval = checkpointInterval;
    }

    public string Description =>
        $"a cluster of {_silos.Count} silo processes (`Seqline.Silo`) on " +
        (_store.Provider == StorageProvider.Postgres
            ? $"PostgreSQL (a private server, Debian's, default settings; each silo's pools at most {ClusterStore.PostgresPoolPerSilo} connections)"
            : "Azure Table storage (Azurite, in memory)") +
        " with the memory stream queues the silos share; the devices are observers of an Orleans client of the cluster in the bench's process, registered with the " +
        "members' inboxes as an edge node registers its own, and the creator's sends are that client's grain calls. The store and the silos share the machine with " +
        "the bench: these figures are for correctness, not speed";

    public IGrainFactory Grains { get; }
    public IGroupStore Store { get; }
    public TimeSpan CheckpointInterval { get; }
    public IReadOnlyList<int> SiloPids => _silos.Select(s => s.Pid).ToList();

    public static async Task<LargeGroupCluster> StartAsync(LargeGroupOptions options, IReadOnlyDictionary<string, string> extra, string workDirectory, IBenchUi ui)
    {
        var (silos, provider) = (options.Silos, options.Store);
        var store = await ui.PhaseAsync($"large-group: start {provider}", 1, _ => ClusterStore.StartAsync(provider, "lg"));
        var started = new List<NodeProcess>();
        try
        {
            Dictionary<string, string> Settings()
            {
                var settings = store.SiloSettings();
                settings["Seqline:Push:ObserverExpiry"] = ObserverExpiry;
                foreach (var (key, value) in extra) settings[key] = value;
                return settings;
            }

            var clientSettings = Settings();
            await ui.PhaseAsync($"large-group: start {silos} silos", silos, async phase =>
            {
                // Each is kept as soon as it runs, so that one failing to start leaves none behind.
                await Task.WhenAll(Enumerable.Range(0, silos).Select(async i =>
                {
                    var silo = await NodeProcess.StartAsync($"silo {i}", NodeSettings.AsEnvironment(Settings()), Path.Combine(workDirectory, $"silo{i}"));
                    lock (started)
                    {
                        started.Add(silo);
                        phase.Set(started.Count);
                    }
                }));
            });

            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(clientSettings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
            builder.UseOrleansClient(client => client.UseSeqlineCluster(builder.Configuration));
            builder.Services.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = CallTimeout);
            // The host's default console lifetime would take Ctrl+C and SIGTERM for itself, and the
            // bench would run on with its client stopped; without it they end the bench.
            builder.Services.AddSingleton<IHostLifetime, BenchLifetime>();
            var client = builder.Build();
            await ui.PhaseAsync("large-group: connect a cluster client", 1, _ => client.StartAsync());
            var checkpoint = options.CheckpointInterval ?? new SyncOptions().CheckpointInterval;
            return new LargeGroupCluster(store, started, client, checkpoint);
        }
        catch
        {
            foreach (var silo in started) ui.Info($"--- last output of {silo.Name} ---{Environment.NewLine}{silo.Output}");
            await Task.WhenAll(started.Select(s => s.DisposeAsync().AsTask()));
            await store.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await _client.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Bounded; the silos go next anyway.
            }
        }
        _client.Dispose();
        await Task.WhenAll(_silos.Select(s => s.DisposeAsync().AsTask()));
        await _store.DisposeAsync();
    }

    private sealed class BenchLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
