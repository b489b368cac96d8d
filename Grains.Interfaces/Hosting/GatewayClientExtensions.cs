using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Seqline.Hosting;

/// <summary>An Orleans client of a single Seqline node, for other .NET services (samples/Announcer) and edge nodes.</summary>
public static class GatewayClientExtensions
{
    /// <summary>
    /// The gateway of the node on this machine, at <c>Seqline:Cluster:GatewayPort</c>, with the
    /// cluster's ids: the <see cref="ClusterSettings"/> the silo reads, bound once and checked at start.
    /// </summary>
    public static IClientBuilder UseSeqlineLocalGateway(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.AddSeqlineClusterIds(configuration);
        return client.UseStaticClustering(o => o.Configure<IOptions<ClusterSettings>>((o, cluster) =>
            o.Gateways = [new IPEndPoint(IPAddress.Loopback, cluster.Value.GatewayPort).ToGatewayUri()]));
    }

    /// <summary><see cref="ClusterSettings"/> bound and checked, and Orleans' cluster and service ids taken from it.</summary>
    public static IServiceCollection AddSeqlineClusterIds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ClusterSettings, ClusterSettingsValidator>(configuration, ClusterSettings.Section);
        services.AddOptions<ClusterOptions>().Configure<IOptions<ClusterSettings>>((o, cluster) =>
        {
            o.ClusterId = cluster.Value.ClusterId;
            o.ServiceId = cluster.Value.ServiceId;
        });
        return services;
    }
}
