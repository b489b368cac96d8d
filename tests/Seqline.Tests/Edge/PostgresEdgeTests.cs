using Orleans.TestingHost;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

/// <summary>
/// The edge alone, as a front-end tier: an Orleans client that finds the silos of a PostgreSQL cluster
/// through the membership table there, serves HTTP and pushes over SignalR.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEdgeTests(PostgresFixture postgres) : EdgeAloneTests
{
    protected override async Task<(TestCluster Cluster, Dictionary<string, string?> EdgeSettings)> StartClusterAsync()
    {
        var builder = await PostgresTestCluster.Builder(2, postgres);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return (cluster, new Dictionary<string, string?>
        {
            ["Seqline:Storage:Provider"] = builder.Properties["Seqline:Storage:Provider"],
            ["Seqline:Storage:Postgres:ConnectionString"] = builder.Properties["Seqline:Storage:Postgres:ConnectionString"],
            ["Seqline:Cluster:ClusterId"] = builder.Options.ClusterId,
            ["Seqline:Cluster:ServiceId"] = builder.Options.ServiceId,
        });
    }
}
