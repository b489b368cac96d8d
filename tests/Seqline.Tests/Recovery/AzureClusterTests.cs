using Orleans.TestingHost;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Recovery;

/// <summary>
/// Three silos forming a cluster through Azure Table membership, keeping timelines, grain state and
/// reminders in Azure Tables (Azurite). A silo leaves in the middle of the load; senders retry with
/// their clientMsgIds; nothing acknowledged may be lost or doubled.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClusterTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = AzureTestCluster.Builder(3, azurite);
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_silo_leaving_mid_load_loses_and_doubles_nothing()
    {
        var load = await SiloLossLoad.CreateAsync(_cluster.GrainFactory);
        var senders = load.RunAsync();

        await load.Halfway.WaitAsync(TimeSpan.FromSeconds(60));
        await _cluster.StopSiloAsync(_cluster.SecondarySilos[0]);
        await senders;
        Assert.Equal(2, _cluster.GetActiveSilos().Count());

        await load.VerifyAsync();
    }
}
