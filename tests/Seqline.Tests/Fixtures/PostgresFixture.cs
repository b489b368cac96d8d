using Npgsql;
using Seqline.Storage.Postgres;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL server (Debian's <c>postgresql</c>, started by initdb in a temp folder on a
/// free loopback port; see <see cref="PostgresServer"/>) shared by the tests that need one, with a
/// database holding Seqline's schema for the store tests. Cluster tests take a database of their own.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    /// <summary>A database with the whole schema applied, shared by the store tests (their keys are unique).</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await PostgresServer.StartAsync();
        Database = NpgsqlDataSource.Create(await Server.CreateDatabaseAsync("stores"));
        await PostgresSchema.ApplyAsync(Database);
    }

    /// <summary>A new, empty database; the nodes that use it create the schema themselves.</summary>
    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (Database is not null) await Database.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }
}

/// <summary>Test classes in this collection share one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
