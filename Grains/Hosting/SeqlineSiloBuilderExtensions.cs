using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Diagnostics;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Storage.Rows.AzureTables;
using Seqline.Storage.Rows.Sqlite;
using Seqline.Push;
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

    /// <summary>
    /// Seqline's grains, their options from <c>Seqline:</c>, and the storage
    /// <c>Seqline:Storage:Provider</c> names (SQLite unless told otherwise).
    /// </summary>
    public static ISiloBuilder AddSeqline(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddSeqlineGrains(configuration);
        var storage = configuration.GetSection(SeqlineStorage.Section).Get<SeqlineStorage>() ?? new();
        return storage.Provider switch
        {
            StorageProvider.AzureTables => silo.AddSeqlineAzureTables(storage.AzureTables),
            StorageProvider.Postgres => silo.AddSeqlinePostgres(storage.Postgres),
            _ => silo.AddSeqlineSqlite(storage.Sqlite),
        };
    }

    /// <summary>The grains and their options, without storage.</summary>
    public static ISiloBuilder AddSeqlineGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.Configure<SeqlineLimits>(configuration.GetSection(SeqlineLimits.Section));
        services.Configure<ConversationOptions>(configuration.GetSection(ConversationOptions.Section));
        services.Configure<SyncOptions>(configuration.GetSection(SyncOptions.Section));
        services.Configure<PushOptions>(configuration.GetSection(PushOptions.Section));
        services.Configure<FanoutOptions>(configuration.GetSection(FanoutOptions.Section));
        services.Configure<RetentionOptions>(configuration.GetSection(RetentionOptions.Section));
        services.AddSeqlineOptionsValidation(configuration);
        services.TryAddKeyedSingleton(RetentionOptions.Clock, TimeProvider.System);
        services.TryAddSingleton<IFanoutGate, OpenFanoutGate>();
        services.TryAddSingleton<SyncCursorCodec>();
        // What the grains report for the silo's metrics (fan-out lag, stream subscriptions), in every host.
        services.AddMetrics();
        services.TryAddSingleton<SeqlineMetrics>();

        // Let the recovery reminder tick as often as configured, even below Orleans' default minimum.
        var recovery = configuration.GetSection(ConversationOptions.Section).Get<ConversationOptions>()?.FanoutRecoveryPeriod
            ?? new ConversationOptions().FanoutRecoveryPeriod;
        services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromTicks(Math.Min(o.MinimumReminderPeriod.Ticks, recovery.Ticks)));

        return silo.AddConversationStreams(configuration);
    }

    /// <summary>Everything in one SQLite file under <see cref="SqliteOptions.DataDirectory"/>.</summary>
    public static ISiloBuilder AddSeqlineSqlite(this ISiloBuilder silo, SqliteOptions options)
    {
        var services = silo.Services;
        services.AddSingleton(sp => new SqliteDatabase(options, sp.GetRequiredService<ILogger<SqliteDatabase>>(), sp.GetService<SqliteMetrics>()));
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
        {
            services.AddKeyedSingleton<ITimelineStore>(name, (sp, _) =>
                SqliteTimelineStore.Open(sp.GetRequiredService<SqliteDatabase>(), name));
        }
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
        {
            services.AddKeyedSingleton<IRowStore>(name, (sp, _) => SqliteRowStore.Open(sp.GetRequiredService<SqliteDatabase>(), name));
        }
        foreach (var name in new[] { SeqlineStorage.GrainStateName, PubSubStore })
        {
            services.AddGrainStorage(name, (sp, _) =>
                new SqliteGrainStorage(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<IGrainStorageSerializer>()));
        }
        services.AddReminders();
        services.AddSingleton<IReminderTable, SqliteReminderTable>();
        return silo;
    }

    /// <summary>Timelines, grain state and reminders in Azure Table Storage.</summary>
    public static ISiloBuilder AddSeqlineAzureTables(this ISiloBuilder silo, AzureTablesOptions options)
    {
        // One client for all, made when the silo starts, after its settings were checked.
        var client = new Lazy<TableServiceClient>(() => AzureStorageEndpoint.Tables(options));
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes })
        {
            silo.Services.AddKeyedSingleton<ITimelineStore>(name, (_, _) => new AzureTableTimelineStore(client.Value, options.TablePrefix + name));
        }
        foreach (var name in new[] { RowStoreNames.Members, RowStoreNames.ConversationIndex })
        {
            silo.Services.AddKeyedSingleton<IRowStore>(name, (_, _) => new AzureTableRowStore(client.Value, options.TablePrefix + name));
        }
        silo.AddAzureTableGrainStorage(SeqlineStorage.GrainStateName, o =>
        {
            o.TableServiceClient = client.Value;
            o.TableName = options.TablePrefix + "state";
        });
        silo.AddAzureTableGrainStorage(PubSubStore, o =>
        {
            o.TableServiceClient = client.Value;
            o.TableName = options.TablePrefix + "pubsub";
        });
        silo.UseAzureTableReminderService(o =>
        {
            o.TableServiceClient = client.Value;
            o.TableName = options.TablePrefix + "reminders";
        });
        return silo;
    }

    /// <summary>
    /// Membership from <c>Seqline:Cluster</c>: Azure Table or PostgreSQL clustering when storage is
    /// Azure Tables or PostgreSQL, otherwise a single localhost node.
    /// </summary>
    public static ISiloBuilder UseSeqlineClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new();
        var storage = configuration.GetSection(SeqlineStorage.Section).Get<SeqlineStorage>() ?? new();
        if (storage.Provider == StorageProvider.Postgres) return silo.UseSeqlinePostgresClustering(cluster, storage.Postgres);
        if (storage.Provider != StorageProvider.AzureTables)
        {
            return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        silo.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = AzureStorageEndpoint.Tables(storage.AzureTables);
            o.TableName = storage.AzureTables.TablePrefix + "cluster";
        });
        return silo.UseSeqlineEndpoints(cluster);
    }
}
