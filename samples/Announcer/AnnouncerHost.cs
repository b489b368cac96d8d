using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Seqline.Hosting;

namespace Seqline.Samples.Announcer;

/// <summary>
/// The service's host: an Orleans client of the Seqline cluster, found through a silo's gateway
/// with the settings the silo reads (<see cref="ClusterSettings"/>: <c>Seqline:Cluster:GatewayPort</c>,
/// 30000 by default, and the cluster's <c>ServiceId</c> and <c>ClusterId</c>). A service running
/// beside an Azure cluster would use Azure Table membership instead (<c>UseAzureStorageClustering</c>,
/// the same table the silos use).
/// </summary>
public static class AnnouncerHost
{
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.UseOrleansClient(client => client.UseSeqlineLocalGateway(builder.Configuration));
        builder.Services.AddSingleton<Announcer>();
        return builder.Build();
    }
}
