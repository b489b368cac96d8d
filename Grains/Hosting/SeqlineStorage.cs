using Seqline.Storage.Sqlite;

namespace Seqline.Hosting;

/// <summary>Where a node keeps its data (configuration section <c>Seqline:Storage</c>).</summary>
public sealed class SeqlineStorage
{
    public const string Section = "Seqline:Storage";

    /// <summary>
    /// The Orleans grain-storage provider all Seqline grains use. A provider name only: what a grain
    /// stores is keyed by its state name and id, so renaming it moves no data.
    /// </summary>
    public const string GrainStateName = "seqline-state";

    /// <summary><c>Sqlite</c> (default): one node, files under ./data. <c>AzureTables</c>, <c>Postgres</c>: a cluster.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteOptions Sqlite { get; set; } = new();

    public AzureTablesOptions AzureTables { get; set; } = new();

    public PostgresOptions Postgres { get; set; } = new();
}

public enum StorageProvider
{
    Sqlite,
    AzureTables,
    Postgres,
}

/// <summary>
/// Azure Table Storage (or Azurite) for timelines, grain state, reminders and membership: a
/// connection string, or the table service's URI with DefaultAzureCredential (see <see cref="AzureStorageEndpoint"/>).
/// </summary>
public sealed class AzureTablesOptions
{
    /// <summary>A storage account connection string.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The table service's URI (<c>https://account.table.core.windows.net</c>), signed in to with DefaultAzureCredential.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>The grain state table (after the prefix).</summary>
    public const string StateTable = "state";

    /// <summary>The stream subscriptions table (after the prefix).</summary>
    public const string PubSubTable = "pubsub";

    /// <summary>The reminders table (after the prefix).</summary>
    public const string RemindersTable = "reminders";

    /// <summary>The cluster membership table (after the prefix), read by silos and edge nodes.</summary>
    public const string MembershipTable = "cluster";

    /// <summary>Prefix of every table Seqline creates (letters and digits).</summary>
    public string TablePrefix { get; set; } = "seqline";

    /// <summary>The full name of the table <paramref name="name"/>.</summary>
    public string Table(string name) => TablePrefix + name;
}
