using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace Seqline.Hosting;

/// <summary>
/// How Seqline reaches an Azure Storage service, for every Azure client it makes (timelines, rows,
/// grain state, reminders, clustering, stream queues): a connection string (with an account key or
/// a SAS), or a service URI and Microsoft Entra ID tokens from <see cref="DefaultAzureCredential"/>
/// (managed identity, workload identity, environment variables, a developer's sign-in). With a
/// URI, the identity needs the data roles: Storage Table Data Contributor, Storage Queue Data
/// Contributor.
/// </summary>
public static class AzureStorageEndpoint
{
    // One credential per process: it caches its tokens, for every client to share.
    private static readonly Lazy<TokenCredential> Credential = new(() => new DefaultAzureCredential());

    /// <summary>The table service of <paramref name="options"/>.</summary>
    public static TableServiceClient Tables(AzureTablesOptions options) =>
        options.ServiceUri is { } uri ? new TableServiceClient(uri, Credential.Value) : new TableServiceClient(options.ConnectionString);

    /// <summary>
    /// The queue service of <paramref name="queues"/>, else of the tables' connection string (the
    /// same account). A table service URI says nothing of the queues': it needs one of its own.
    /// </summary>
    public static QueueServiceClient Queues(AzureQueuesOptions queues, AzureTablesOptions tables) =>
        queues.ServiceUri is { } uri ? new QueueServiceClient(uri, Credential.Value)
        : new QueueServiceClient(string.IsNullOrEmpty(queues.ConnectionString) ? tables.ConnectionString : queues.ConnectionString);
}
