using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Seqline.Hosting;

namespace Seqline.Tests.Hosting;

/// <summary>A clustered silo advertises the configured address and listens where it is told to.</summary>
public sealed class ClusterEndpointTests
{
    [Theory]
    [InlineData(null, "0.0.0.0")]
    [InlineData("true", "0.0.0.0")]
    [InlineData("false", "127.0.0.1")]
    public void An_advertised_silo_listens_on_every_address_or_only_the_advertised_one(string? listenOnAny, string listening)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seqline:Storage:Provider"] = "AzureTables",
            ["Seqline:Storage:AzureTables:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Seqline:Cluster:AdvertisedIPAddress"] = "127.0.0.1",
            ["Seqline:Cluster:SiloPort"] = "21111",
            ["Seqline:Cluster:GatewayPort"] = "40000",
        };
        if (listenOnAny is not null) settings["Seqline:Cluster:ListenOnAnyAddress"] = listenOnAny;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseSeqlineClustering(configuration));
        using var host = builder.Build(); // never started: nothing listens

        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;

        // Orleans listens on the advertised endpoint unless a listening endpoint is set.
        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(listening), 21111),
            endpoints.SiloListeningEndpoint ?? new IPEndPoint(endpoints.AdvertisedIPAddress, endpoints.SiloPort));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(listening), 40000),
            endpoints.GatewayListeningEndpoint ?? new IPEndPoint(endpoints.AdvertisedIPAddress, endpoints.GatewayPort));
    }
}
