using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Seqline.Hosting;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// In-process silos that form a cluster through Azure Table membership and keep everything in
/// Azure Storage (Azurite), each test run under its own table prefix.
/// </summary>
public static class AzureTestCluster
{
    public static TestClusterBuilder Builder(short silos, AzuriteFixture azurite, IReadOnlyDictionary<string, string>? settings = null)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties["Seqline:Storage:Provider"] = nameof(StorageProvider.AzureTables);
        builder.Properties["Seqline:Storage:AzureTables:ConnectionString"] = azurite.ConnectionString;
        builder.Properties["Seqline:Storage:AzureTables:TablePrefix"] = "c" + Guid.NewGuid().ToString("N")[..10];
        builder.Properties["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.Properties[key] = value;
        builder.AddSiloBuilderConfigurator<Silo>();
        builder.AddClientBuilderConfigurator<Client>();
        return builder;
    }

    private static TableServiceClient Tables(IConfiguration configuration, out string prefix)
    {
        var tables = configuration.GetSection(SeqlineStorage.Section).Get<SeqlineStorage>()!.AzureTables;
        prefix = tables.TablePrefix;
        return new TableServiceClient(tables.ConnectionString);
    }

    private sealed class Silo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddSeqline(silo.Configuration);
            var client = Tables(silo.Configuration, out var prefix);
            silo.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = client;
                o.TableName = prefix + "cluster";
            });
        }
    }

    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            var tables = Tables(configuration, out var prefix);
            client.UseAzureStorageClustering(o =>
            {
                o.TableServiceClient = tables;
                o.TableName = prefix + "cluster";
            });
        }
    }
}
