using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Hosting.Kubernetes;
using Seqline.Hosting;
using Seqline.Silo;
using Seqline.Storage.Postgres;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>How a node on PostgreSQL starts, refuses to start, and when it takes its identity from a Kubernetes pod.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHostingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_node_on_postgres_without_a_connection_string_refuses_to_start()
    {
        // Settings are checked as the node is built, before it starts anything.
        var refused = Assert.Throws<OptionsValidationException>(() => SeqlineNode.Build(Args(new() { ["Seqline:Storage:Provider"] = "Postgres" })));
        Assert.Equal("Seqline:Storage:Postgres:ConnectionString is required when Seqline:Storage:Provider is Postgres.", refused.Message);
    }

    [Fact]
    public async Task A_node_told_not_to_create_the_schema_refuses_an_empty_database_and_changes_nothing()
    {
        var database = await postgres.NewDatabaseAsync();
        await using var node = SeqlineNode.Build(Args(new()
        {
            ["Seqline:Storage:Provider"] = "Postgres",
            ["Seqline:Storage:Postgres:ConnectionString"] = database,
            ["Seqline:Storage:Postgres:CreateSchema"] = "false",
        }));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => node.StartAsync());
        Assert.Contains("PostgreSQL-Main.sql", Flatten(refused));
        await using var data = NpgsqlDataSource.Create(database);
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Script), await PostgresSchema.MissingAsync(data));
    }

    [Fact]
    public async Task Applying_the_schema_twice_runs_each_script_once()
    {
        await using var data = NpgsqlDataSource.Create(await postgres.NewDatabaseAsync());

        var first = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresSchema.ApplyAsync(data)));
        var again = await PostgresSchema.ApplyAsync(data);

        // Three at once, as silos starting together: the scripts ran once in all.
        Assert.Equal(PostgresSchema.Scripts.Where(s => s.AppliedIfTableExists is not null).Select(s => s.Script), first.SelectMany(a => a));
        Assert.Empty(again);
        Assert.Empty(await PostgresSchema.MissingAsync(data));
    }

    [Theory]
    [InlineData("Auto", null, false)]
    [InlineData("Auto", "10.0.0.1", true)]
    [InlineData("Off", "10.0.0.1", false)]
    [InlineData("On", null, true)]
    public void Kubernetes_hosting_is_used_in_a_pod_unless_configured_otherwise(string setting, string? apiServer, bool expected)
    {
        var cluster = new ClusterSettings { Kubernetes = Enum.Parse<KubernetesHosting>(setting) };
        Assert.Equal(expected, cluster.UsesKubernetesHosting(name => name == "KUBERNETES_SERVICE_HOST" ? apiServer : null));
    }

    [Theory]
    [InlineData("On", true)]
    [InlineData("Off", false)]
    public void A_cluster_node_in_a_pod_runs_orleans_kubernetes_hosting(string setting, bool agent)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Seqline:Storage:Provider"] = "Postgres",
            ["Seqline:Storage:Postgres:ConnectionString"] = "Host=127.0.0.1",
            ["Seqline:Cluster:Kubernetes"] = setting,
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseSeqlineClustering(configuration));

        // The agent is not built here: outside a pod it has no API server to talk to.
        Assert.Equal(agent, builder.Services.Any(s => s.ImplementationType == typeof(KubernetesClusterAgent)));
    }

    private static string[] Args(Dictionary<string, string> settings)
    {
        settings.TryAdd("Urls", "http://127.0.0.1:0");
        settings.TryAdd("Seqline:Auth:SigningKey", SeqlineServer.SigningKey);
        settings.TryAdd("Seqline:Sync:CursorKey", SeqlineServer.CursorKey);
        settings.TryAdd("Seqline:Cluster:Kubernetes", "Off");
        settings.TryAdd("Seqline:Cluster:AdvertisedIPAddress", "127.0.0.1");
        settings.TryAdd("Seqline:Cluster:SiloPort", LoopbackPorts.One().ToString());
        settings.TryAdd("Seqline:Cluster:GatewayPort", LoopbackPorts.One().ToString());
        settings.TryAdd("Logging:LogLevel:Default", "Warning");
        return settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
