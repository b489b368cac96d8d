using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Seqline.Storage.Postgres;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.Postgres;
using Seqline.Timelines;
using Seqline.Timelines.Postgres;

namespace Seqline.Hosting;

/// <summary>PostgreSQL for a cluster (configuration section <c>Seqline:Storage:Postgres</c>).</summary>
public sealed class PostgresOptions
{
    /// <summary>The ADO.NET invariant Orleans' providers load Npgsql by.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Whether the node creates the tables it needs on start (Orleans' and Seqline's, each once). Set it
    /// false when the nodes' database user may not change the schema: an operator then applies
    /// <c>Grains/Storage/Postgres/Scripts</c> with psql, and a node finding tables missing refuses to start.
    /// </summary>
    public bool CreateSchema { get; set; } = true;
}

/// <summary>Refuses to start a node on PostgreSQL without a database to talk to.</summary>
public sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail($"{SeqlineStorage.Section}:Postgres:ConnectionString is required when {SeqlineStorage.Section}:Provider is Postgres.");
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{SeqlineStorage.Section}:Postgres:ConnectionString is not a valid Npgsql connection string: {e.Message}");
        }
        return ValidateOptionsResult.Success;
    }
}

public static class PostgresSiloBuilderExtensions
{
    /// <summary>The key of the <see cref="NpgsqlDataSource"/> Seqline's stores share.</summary>
    public const string DataSourceKey = "seqline-postgres";

    /// <summary>
    /// Timelines and rows in Seqline's own tables; grain state (Seqline's and stream pub-sub) and
    /// reminders through Orleans' ADO.NET providers, in the same database, as
    /// <c>Seqline:Storage:Postgres</c> says.
    /// </summary>
    public static ISiloBuilder AddSeqlinePostgres(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddKeyedSingleton(DataSourceKey, (sp, _) => NpgsqlDataSource.Create(Postgres(sp).ConnectionString));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PostgresConnectionBudget>();

        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
        {
            services.AddKeyedSingleton<ITimelineStore>(name, (sp, _) =>
                new PostgresTimelineStore(sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey), name, Postgres(sp).CreateSchema));
        }
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
        {
            services.AddKeyedSingleton<IRowStore>(name, (sp, _) =>
                new PostgresRowStore(sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey), name, Postgres(sp).CreateSchema));
        }
        foreach (var name in new[] { SeqlineStorage.GrainStateName, SeqlineSiloBuilderExtensions.PubSubStore })
        {
            silo.AddAdoNetGrainStorage(name, o => o.Configure<IOptions<SeqlineStorage>>((o, storage) =>
            {
                o.Invariant = PostgresOptions.Invariant;
                o.ConnectionString = storage.Value.Postgres.ConnectionString;
            }));
        }
        silo.UseAdoNetReminderService(o => o.Configure<IOptions<SeqlineStorage>>((o, storage) =>
        {
            o.Invariant = PostgresOptions.Invariant;
            o.ConnectionString = storage.Value.Postgres.ConnectionString;
        }));
        return silo;
    }

    /// <summary>Cluster membership in the PostgreSQL database, with <c>Seqline:Cluster</c>'s ports.</summary>
    public static ISiloBuilder UseSeqlinePostgresClustering(this ISiloBuilder silo, ClusterSettings cluster)
    {
        silo.UseAdoNetClustering(o => o.Configure<IOptions<SeqlineStorage>>((o, storage) =>
        {
            o.Invariant = PostgresOptions.Invariant;
            o.ConnectionString = storage.Value.Postgres.ConnectionString;
        }));
        return silo.UseSeqlineEndpoints(cluster);
    }

    /// <summary>
    /// The silo's ports, and its address: the pod's under Kubernetes hosting, else the advertised one
    /// of <c>Seqline:Cluster</c>, else the host's. Orleans takes endpoints while the silo is set up,
    /// so <paramref name="cluster"/> is the builder-time read of <c>Seqline:Cluster</c> (checked as
    /// <see cref="IOptions{ClusterSettings}"/> is).
    /// </summary>
    public static ISiloBuilder UseSeqlineEndpoints(this ISiloBuilder silo, ClusterSettings cluster)
    {
        if (cluster.InKubernetes())
        {
            // Ports only: Kubernetes hosting advertises the pod's IP and listens on every address.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = cluster.SiloPort;
                o.GatewayPort = cluster.GatewayPort;
            });
            return silo.UseKubernetesHosting();
        }
        return cluster.AdvertisedAddress() is { } address
            ? silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: cluster.ListenOnAnyAddress)
            : silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
    }

    private static PostgresOptions Postgres(IServiceProvider services) => services.GetRequiredService<IOptions<SeqlineStorage>>().Value.Postgres;
}
