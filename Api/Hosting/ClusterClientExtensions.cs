using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Seqline.Api.Hosting;

public static class ClusterClientExtensions
{
    /// <summary>
    /// Connects a stand-alone edge node to the cluster the silos form, reading the same keys they do:
    /// <c>Seqline:Storage:Provider</c> = <c>AzureTables</c> or <c>Postgres</c> finds gateways through the
    /// membership table there (Azure by <c>ServiceUri</c> with DefaultAzureCredential, or by
    /// <c>ConnectionString</c>), otherwise the gateway is the local node at <c>Seqline:Cluster:GatewayPort</c>.
    /// </summary>
    public static IClientBuilder UseSeqlineCluster(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = configuration.GetSection("Seqline:Cluster");
        var serviceId = cluster["ServiceId"] ?? "seqline";
        var clusterId = cluster["ClusterId"] ?? "seqline";
        if (string.Equals(configuration["Seqline:Storage:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ServiceId = serviceId;
                o.ClusterId = clusterId;
            });
            return client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = configuration["Seqline:Storage:Postgres:ConnectionString"]
                    ?? throw new InvalidOperationException("Seqline:Storage:Postgres:ConnectionString is required when Seqline:Storage:Provider is Postgres.");
            });
        }
        if (!string.Equals(configuration["Seqline:Storage:Provider"], "AzureTables", StringComparison.OrdinalIgnoreCase))
        {
            return client.UseLocalhostClustering(cluster.GetValue("GatewayPort", 30000), serviceId, clusterId);
        }

        client.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ServiceId = serviceId;
            o.ClusterId = clusterId;
        });
        return client.UseAzureStorageClustering(o =>
        {
            // As the silos do (AzureStorageEndpoint): a table service URI with DefaultAzureCredential, or a connection string.
            o.TableServiceClient = configuration.GetValue<Uri?>("Seqline:Storage:AzureTables:ServiceUri") is { } serviceUri
                ? new TableServiceClient(serviceUri, new DefaultAzureCredential())
                : new TableServiceClient(configuration["Seqline:Storage:AzureTables:ConnectionString"]);
            o.TableName = (configuration["Seqline:Storage:AzureTables:TablePrefix"] ?? "seqline") + "cluster";
        });
    }
}
