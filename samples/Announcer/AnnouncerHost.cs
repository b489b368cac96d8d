using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Seqline.Samples.Announcer;

/// <summary>
/// The service's host: an Orleans client of the Seqline cluster, found through a silo's gateway
/// (<c>Seqline:Cluster:GatewayPort</c>, 30000 by default, with the cluster's <c>ServiceId</c> and
/// <c>ClusterId</c>). A service running beside an Azure cluster would use Azure Table membership
/// instead (<c>UseAzureStorageClustering</c>, the same table the silos use).
/// </summary>
public static class AnnouncerHost
{
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var cluster = builder.Configuration.GetSection("Seqline:Cluster");
        builder.UseOrleansClient(client => client.UseLocalhostClustering(
            gatewayPort: cluster.GetValue("GatewayPort", 30000),
            serviceId: cluster["ServiceId"] ?? "seqline",
            clusterId: cluster["ClusterId"] ?? "seqline"));
        builder.Services.AddSingleton<Announcer>();
        return builder.Build();
    }
}
