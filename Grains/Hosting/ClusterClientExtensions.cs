using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Seqline.Hosting;

/// <summary>An Orleans client of a Seqline cluster (the edge-only node), finding the silos as they find each other.</summary>
public static class ClusterClientExtensions
{
    /// <summary>
    /// Connects to the cluster the silos form, with the settings they read (<see cref="ClusterSettings"/>
    /// and <see cref="SeqlineStorage"/>, checked by the same validators): <c>Seqline:Storage:Provider</c> =
    /// <c>AzureTables</c> or <c>Postgres</c> finds gateways through the membership table there, otherwise
    /// the gateway is the local node at <c>Seqline:Cluster:GatewayPort</c>.
    /// </summary>
    public static IClientBuilder UseSeqlineCluster(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.AddSeqlineClusterIds(configuration);
        client.Services.AddValidatedOptions<SeqlineStorage, StorageValidator>(configuration, SeqlineStorage.Section);

        // Which membership to read is a service to add, decided before the container exists.
        return SeqlineOptionsValidation.ReadStorage(configuration).Provider switch
        {
            StorageProvider.Postgres => client.UseAdoNetClustering(o => o.Configure<IOptions<SeqlineStorage>>((o, storage) =>
            {
                o.Invariant = PostgresOptions.Invariant;
                o.ConnectionString = storage.Value.Postgres.ConnectionString;
            })),
            StorageProvider.AzureTables => client.UseAzureStorageClustering(o => o.Configure<IOptions<SeqlineStorage>>((o, storage) =>
            {
                o.TableServiceClient = AzureStorageEndpoint.Tables(storage.Value.AzureTables);
                o.TableName = storage.Value.AzureTables.Table(AzureTablesOptions.MembershipTable);
            })),
            _ => client.UseSeqlineLocalGateway(configuration),
        };
    }
}
