using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Diagnostics;
using Seqline.Inboxes;
using Seqline.OfflinePush;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.AzureTables;
using Seqline.Storage.Rows.Sqlite;
using Seqline.Push;
using Seqline.Storage;
using Seqline.Storage.Sqlite;
using Seqline.Timelines;
using Seqline.Timelines.AzureTables;
using Seqline.Timelines.Sqlite;

namespace Seqline.Hosting;

/// <summary>Turns an Orleans silo into a Seqline node.</summary>
public static class SeqlineSiloBuilderExtensions
{
    /// <summary>The grain storage Orleans keeps stream subscriptions in.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>The key of the <see cref="TableServiceClient"/> every Azure Table store of the silo shares.</summary>
    public const string AzureTablesKey = "seqline-azure-tables";

    /// <summary>
    /// Seqline's grains, their options from <c>Seqline:</c>, and the storage
    /// <c>Seqline:Storage:Provider</c> names (SQLite unless told otherwise).
    /// </summary>
    public static ISiloBuilder AddSeqline(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddSeqlineGrains(configuration);
        // Which provider's services to add is decided before the container exists; the providers
        // themselves read their settings from IOptions<SeqlineStorage>.
        return SeqlineOptionsValidation.ReadStorage(configuration).Provider switch
        {
            StorageProvider.AzureTables => silo.AddSeqlineAzureTables(),
            StorageProvider.Postgres => silo.AddSeqlinePostgres(),
            _ => silo.AddSeqlineSqlite(),
        };
    }

    /// <summary>The grains and their options, without storage.</summary>
    public static ISiloBuilder AddSeqlineGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddSeqlineOptionsValidation(configuration);
        services.AddOfflinePush(configuration);
        services.TryAddKeyedSingleton(RetentionOptions.Clock, TimeProvider.System);
        services.TryAddSingleton<IFanoutGate, OpenFanoutGate>();
        services.TryAddSingleton<SyncCursorCodec>();
        // What the grains report for the silo's metrics (fan-out lag, live follows), in every host.
        services.AddMetrics();
        services.TryAddSingleton<SeqlineMetrics>();

        // Let the recovery reminder tick as often as configured, even below Orleans' default minimum.
        services.AddOptions<ReminderOptions>().Configure<IOptions<ConversationOptions>>((o, conversations) =>
            o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, conversations.Value.FanoutRecoveryPeriod.Ticks)));

        // Every store's tables, created once when the silo starts, whichever provider holds them.
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StoreSchemasOnStart>();
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
            services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredKeyedService<ITimelineStore>(name));
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
            services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredKeyedService<IRowStore>(name));

        return silo.AddConversationStreams(configuration);
    }

    /// <summary>
    /// Everything in one SQLite file: under <c>Seqline:Storage:Sqlite</c>, or under
    /// <paramref name="options"/> when given (tests and tools pick their own directory).
    /// </summary>
    public static ISiloBuilder AddSeqlineSqlite(this ISiloBuilder silo, SqliteOptions? options = null)
    {
        var services = silo.Services;
        services.AddSingleton(sp => new SqliteDatabase(options ?? sp.GetRequiredService<IOptions<SeqlineStorage>>().Value.Sqlite,
            sp.GetRequiredService<ILogger<SqliteDatabase>>(), sp.GetService<SqliteMetrics>()));
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
        {
            services.AddKeyedSingleton<ITimelineStore>(name, (sp, _) =>
                new SqliteTimelineStore(sp.GetRequiredService<SqliteDatabase>(), name));
        }
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
        {
            services.AddKeyedSingleton<IRowStore>(name, (sp, _) => new SqliteRowStore(sp.GetRequiredService<SqliteDatabase>(), name));
        }
        foreach (var name in new[] { SeqlineStorage.GrainStateName, PubSubStore })
        {
            services.AddGrainStorage(name, (sp, _) =>
                new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(),
                    new SqliteStateFormat(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<IGrainStorageSerializer>())));
            services.AddSingleton(sp => (IStoreSchema)sp.GetRequiredKeyedService<IGrainStorage>(name));
        }
        services.AddReminders();
        services.AddSingleton<IReminderTable, SqliteReminderTable>();
        services.AddSingleton(sp => (IStoreSchema)sp.GetRequiredService<IReminderTable>());
        return silo;
    }

    /// <summary>Timelines, grain state and reminders in Azure Table Storage, as <c>Seqline:Storage:AzureTables</c> says.</summary>
    public static ISiloBuilder AddSeqlineAzureTables(this ISiloBuilder silo)
    {
        var services = silo.Services;
        // One client for all, made when the silo starts, after its settings were checked.
        services.TryAddKeyedSingleton(AzureTablesKey, (sp, _) => AzureStorageEndpoint.Tables(Tables(sp)));
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
        {
            services.AddKeyedSingleton<ITimelineStore>(name, (sp, _) =>
                new AzureTableTimelineStore(sp.GetRequiredKeyedService<TableServiceClient>(AzureTablesKey), Tables(sp).Table(name)));
        }
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
        {
            services.AddKeyedSingleton<IRowStore>(name, (sp, _) =>
                new AzureTableRowStore(sp.GetRequiredKeyedService<TableServiceClient>(AzureTablesKey), Tables(sp).Table(name)));
        }
        silo.AddAzureTableGrainStorage(SeqlineStorage.GrainStateName, o => o.Configure<IServiceProvider>((o, sp) =>
        {
            o.TableServiceClient = sp.GetRequiredKeyedService<TableServiceClient>(AzureTablesKey);
            o.TableName = Tables(sp).Table(AzureTablesOptions.StateTable);
        }));
        silo.AddAzureTableGrainStorage(PubSubStore, o => o.Configure<IServiceProvider>((o, sp) =>
        {
            o.TableServiceClient = sp.GetRequiredKeyedService<TableServiceClient>(AzureTablesKey);
            o.TableName = Tables(sp).Table(AzureTablesOptions.PubSubTable);
        }));
        silo.UseAzureTableReminderService(o => o.Configure<IServiceProvider>((o, sp) =>
        {
            o.TableServiceClient = sp.GetRequiredKeyedService<TableServiceClient>(AzureTablesKey);
            o.TableName = Tables(sp).Table(AzureTablesOptions.RemindersTable);
        }));
        return silo;
    }

    /// <summary>
    /// Membership from <c>Seqline:Cluster</c>: Azure Table or PostgreSQL clustering when storage is
    /// Azure Tables or PostgreSQL, otherwise a single localhost node.
    /// </summary>
    public static ISiloBuilder UseSeqlineClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddSeqlineClusterIds(configuration);
        silo.Services.AddValidatedOptions<SeqlineStorage, StorageValidator>(configuration, SeqlineStorage.Section);

        // The membership provider, Kubernetes hosting and the endpoints are set while the silo is
        // built, before the container exists: from the builder-time read, checked as the options are.
        var cluster = configuration.ReadValidated(ClusterSettings.Section, new ClusterSettingsValidator());
        switch (SeqlineOptionsValidation.ReadStorage(configuration).Provider)
        {
            case StorageProvider.Postgres:
                return silo.UseSeqlinePostgresClustering(cluster);
            case StorageProvider.AzureTables:
                silo.UseAzureStorageClustering(o => o.Configure<IOptions<SeqlineStorage>>((o, storage) =>
                {
                    o.TableServiceClient = AzureStorageEndpoint.Tables(storage.Value.AzureTables);
                    o.TableName = storage.Value.AzureTables.Table(AzureTablesOptions.MembershipTable);
                }));
                return silo.UseSeqlineEndpoints(cluster);
            default:
                return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }
    }

    private static AzureTablesOptions Tables(IServiceProvider services) => services.GetRequiredService<IOptions<SeqlineStorage>>().Value.AzureTables;
}
