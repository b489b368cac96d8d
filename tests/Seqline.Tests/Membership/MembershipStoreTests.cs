using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Membership;
using Seqline.Membership.AzureTables;
using Seqline.Membership.Memory;
using Seqline.Membership.Sqlite;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Membership;

public sealed class MemoryMembershipStoreTests : MembershipStoreConformance
{
    protected override IMembershipStore Store { get; } = new MemoryMembershipStore();
}

public sealed class SqliteMembershipStoreTests : MembershipStoreConformance, IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly SqliteDatabase _database;

    public SqliteMembershipStoreTests()
    {
        _database = new SqliteDatabase(new SqliteOptions { DataDirectory = _data.Path }, NullLogger<SqliteDatabase>.Instance);
        Store = new SqliteMembershipStore(_database);
    }

    protected override IMembershipStore Store { get; }

    public void Dispose()
    {
        _database.Dispose();
        _data.Dispose();
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableMembershipStoreTests(AzuriteFixture azurite) : MembershipStoreConformance
{
    protected override IMembershipStore Store { get; } =
        new AzureTableMembershipStore(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString), "members" + Guid.NewGuid().ToString("N"));
}
