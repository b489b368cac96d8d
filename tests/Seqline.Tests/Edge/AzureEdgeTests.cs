using System.Net;
using Orleans.TestingHost;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

/// <summary>
/// The edge alone, as a front-end tier: an Orleans client that finds the silos of an Azure Table
/// cluster through the membership table, serves HTTP and pushes over SignalR.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureEdgeTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private SeqlineServer _edge = null!;

    public async Task InitializeAsync()
    {
        var builder = AzureTestCluster.Builder(2, azurite);
        // A client outside the TestCluster reaches the silos over real sockets only.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _edge = await SeqlineServer.StartEdge(gatewayPort: 0, settings: new Dictionary<string, string?>
        {
            ["Seqline:Storage:Provider"] = builder.Properties["Seqline:Storage:Provider"],
            ["Seqline:Storage:AzureTables:ConnectionString"] = azurite.ConnectionString,
            ["Seqline:Storage:AzureTables:TablePrefix"] = builder.Properties["Seqline:Storage:AzureTables:TablePrefix"],
            ["Seqline:Cluster:ClusterId"] = builder.Options.ClusterId,
            ["Seqline:Cluster:ServiceId"] = builder.Options.ServiceId,
        });
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task An_edge_alone_finds_the_cluster_through_azure_tables_and_pushes_its_messages()
    {
        using var alice = await ApiUser.SignIn(_edge, Ids.User("alice"));
        var bob = Ids.User("bob");
        await using var bobsPhone = await ClientDevice.Connect(_edge, await _edge.Token(bob));
        var id = await alice.CreateGroup(bob);
        var pushes = bobsPhone.Client.PushesApplied;

        for (var i = 1; i <= 3; i++) Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, $"hello {i}")).StatusCode);

        await Eventually.True(() => Task.FromResult(bobsPhone.MessageSeqs(id).Count == 3), TimeSpan.FromSeconds(30), "bob's pushes through the edge");
        Assert.Equal([1L, 2L, 3L], bobsPhone.MessageSeqs(id));
        Assert.True(bobsPhone.Client.PushesApplied > pushes);
        Assert.Equal([1L, 2L, 3L], await alice.HistorySeqs(id));
    }
}
