using Microsoft.Extensions.Configuration;
using Seqline.Hosting;
using Seqline.Tests.Fixtures;
using Xunit.Abstractions;

namespace Seqline.Tests.Recovery;

/// <summary>
/// Three real Seqline.Silo processes forming a cluster through PostgreSQL membership, keeping
/// timelines, rows, grain state and reminders in one PostgreSQL database. The silo holding the most
/// conversations is SIGKILLed in the middle of the load; senders retry with their clientMsgIds;
/// nothing acknowledged may be lost or doubled (the checks of the Azure Table cluster test).
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class PostgresClusterKillTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_silo_killed_with_SIGKILL_mid_load_loses_and_doubles_nothing()
    {
        var settings = new Dictionary<string, string>
        {
            ["Seqline:Storage:Provider"] = "Postgres",
            ["Seqline:Storage:Postgres:ConnectionString"] = await postgres.NewDatabaseAsync(),
            ["Seqline:Cluster:AdvertisedIPAddress"] = "127.0.0.1",
            ["Seqline:Cluster:ListenOnAnyAddress"] = "false",
            ["Seqline:Cluster:Kubernetes"] = "Off",
        };
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        var data = Enumerable.Range(0, 3).Select(_ => new TempDirectory()).ToList();
        var silos = new List<SiloProcess>();
        SiloClient? client = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Mark(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        try
        {
            silos.AddRange(await Task.WhenAll(data.Select(d => SiloProcess.StartAsync(d.Path, SiloPorts.Free(), environment))));
            // The client finds the gateways as an edge node does, through the membership table.
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings!).Build();
            client = await silos[0].ConnectAsync(ResponseTimeout, c => c.UseSeqlineCluster(configuration));
            var management = client.Client.GetGrain<IManagementGrain>(0);
            await Eventually.True(async () => (await management.GetHosts(onlyActive: true)).Count == 3,
                TimeSpan.FromSeconds(60), "three active silos in the membership table");
            Mark("three silos active");

            var load = await SiloLossLoad.CreateAsync(client.Client);
            var senders = load.RunAsync();
            await load.Halfway.WaitAsync(TimeSpan.FromSeconds(60));
            Mark("half the load acknowledged");

            var victim = await BusiestSilo(client.Client, load, silos);
            victim.Kill();
            Assert.Equal(128 + 9, victim.ExitCode);
            Mark($"SIGKILLed the silo on port {victim.Ports.Silo} (pid {victim.ProcessId})");

            await senders.WaitAsync(TimeSpan.FromMinutes(3));
            Mark("every send acknowledged");
            // Until the others declare the victim dead, a conversation last active there (all its
            // sends done before the kill) is still placed there, and reading it fails as unavailable.
            await Eventually.True(async () => (await management.GetHosts(onlyActive: true)).Count == 2,
                TimeSpan.FromSeconds(120), "the killed silo declared dead");
            Mark("the killed silo declared dead");
            await load.VerifyAsync();
            Mark("verified");
        }
        catch (Exception failure)
        {
            foreach (var silo in silos) output.WriteLine($"--- silo on port {silo.Ports.Silo} ---{Environment.NewLine}{silo.Output}");
            // Last, so that the tail of a long log still says what failed and when.
            Mark($"failed: {failure}");
            throw;
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
            foreach (var silo in silos) await silo.DisposeAsync();
            foreach (var d in data) d.Dispose();
        }
    }

    // The silo with the most conversations active on it, so that the kill takes groups mid-send.
    private static async Task<SiloProcess> BusiestSilo(IClusterClient client, SiloLossLoad load, List<SiloProcess> silos)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var ports = new List<int>();
        foreach (var conversation in load.ConversationIds)
        {
            var address = await management.GetActivationAddress(client.GetGrain<Seqline.Conversations.IConversationGrain>(conversation));
            if (address is not null) ports.Add(address.Endpoint.Port);
        }
        var busiest = ports.GroupBy(p => p).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        return silos.FirstOrDefault(s => s.Ports.Silo == busiest) ?? silos[^1];
    }
}
