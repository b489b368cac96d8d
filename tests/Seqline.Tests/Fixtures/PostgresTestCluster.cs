using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Seqline.Hosting;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// In-process silos that form a cluster through PostgreSQL membership (Orleans' ADO.NET clustering)
/// and keep everything in one PostgreSQL database of their own, which the first silo's start fills
/// with the schema.
/// </summary>
public static class PostgresTestCluster
{
    public static async Task<TestClusterBuilder> Builder(short silos, PostgresFixture postgres)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties["Seqline:Storage:Provider"] = nameof(StorageProvider.Postgres);
        builder.Properties["Seqline:Storage:Postgres:ConnectionString"] = await postgres.NewDatabaseAsync();
        builder.AddSiloBuilderConfigurator<Silo>();
        builder.AddClientBuilderConfigurator<Client>();
        return builder;
    }

    private static PostgresOptions Options(IConfiguration configuration) =>
        configuration.GetSection(SeqlineStorage.Section).Get<SeqlineStorage>()!.Postgres;

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddSeqline(silo.Configuration);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresOptions.Invariant;
                o.ConnectionString = Options(silo.Configuration).ConnectionString;
            });
        }
    }

    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) =>
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresOptions.Invariant;
                o.ConnectionString = Options(configuration).ConnectionString;
            });
    }
}
