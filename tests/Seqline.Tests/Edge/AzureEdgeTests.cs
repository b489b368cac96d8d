using Orleans.TestingHost;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

/// <summary>
/// The edge alone, as a front-end tier: an Orleans client that finds the silos of an Azure Table
/// cluster through the membership table, serves HTTP and pushes over SignalR.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureEdgeTests(AzuriteFixture azurite) : EdgeAloneTests
{
    protected override async Task<(TestCluster Cluster, Dictionary<string, string?> EdgeSettings)> StartClusterAsync()
    {
        var builder = AzureTestCluster.Builder(2, azurite);
        // A client outside the TestCluster reaches the silos over real sockets only.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return (cluster, new Dictionary<string, string?>
        {
            ["Seqline:Storage:Provider"] = builder.Properties["Seqline:Storage:Provider"],
            ["Seqline:Storage:AzureTables:ConnectionString"] = azurite.ConnectionString,
            ["Seqline:Storage:AzureTables:TablePrefix"] = builder.Properties["Seqline:Storage:AzureTables:TablePrefix"],
            ["Seqline:Cluster:ClusterId"] = builder.Options.ClusterId,
            ["Seqline:Cluster:ServiceId"] = builder.Options.ServiceId,
        });
    }
}
