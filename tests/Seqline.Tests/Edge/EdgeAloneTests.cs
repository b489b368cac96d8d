using System.Net;
using Orleans.TestingHost;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

/// <summary>
/// An edge node alone (<c>Seqline:Role=Edge</c>) beside a cluster that each subclass starts on its
/// store: it must find the silos through that store's membership table with the settings an
/// operator gives it, and carry a conversation over HTTP and SignalR.
/// </summary>
public abstract class EdgeAloneTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private SeqlineServer _edge = null!;

    /// <summary>The running cluster, and the edge's settings that point it there.</summary>
    protected abstract Task<(TestCluster Cluster, Dictionary<string, string?> EdgeSettings)> StartClusterAsync();

    public async Task InitializeAsync()
    {
        (_cluster, var settings) = await StartClusterAsync();
        // A gateway port nothing listens on: only the membership table can tell the edge where the
        // silos are. (0 is refused now, as a silo would refuse it: the edge checks Seqline:Cluster too.)
        _edge = await SeqlineServer.StartEdge(gatewayPort: LoopbackPorts.One(), settings: settings);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task An_edge_alone_finds_the_cluster_through_its_membership_table_and_pushes_its_messages()
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
