using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Seqline.Hosting;
using Seqline.Storage.Postgres;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Storage;

/// <summary>
/// A node whose two connection pools could take more than the PostgreSQL server accepts says so as
/// it starts, naming the setting to change; one within the server's limit says nothing. The
/// shared test server accepts 297 (max_connections 300, 3 reserved).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConnectionBudgetTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(149, false)] // 298 wanted: one over
    [InlineData(148, true)] // 296
    [InlineData(100, true)] // Npgsql's default, 200
    public async Task A_node_is_warned_when_its_pools_may_want_more_connections_than_the_server_accepts(int maxPoolSize, bool fits)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.Database.ConnectionString) { MaxPoolSize = maxPoolSize }.ConnectionString;
        var logger = new Recorded();
        await using var database = NpgsqlDataSource.Create(connectionString);
        var storage = new SeqlineStorage { Provider = StorageProvider.Postgres, Postgres = { ConnectionString = connectionString } };

        await new PostgresConnectionBudget(Options.Create(storage), database, logger).CheckAsync(CancellationToken.None);

        if (fits)
        {
            Assert.Empty(logger.Warnings);
            return;
        }
        var warning = Assert.Single(logger.Warnings);
        Assert.Contains("may open 298 PostgreSQL connections", warning, StringComparison.Ordinal);
        Assert.Contains("server accepts (297", warning, StringComparison.Ordinal);
        Assert.Contains("Seqline:Storage:Postgres:ConnectionString", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_string_without_pooling_is_not_checked()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.Database.ConnectionString) { Pooling = false, MaxPoolSize = 1000 }.ConnectionString;
        var logger = new Recorded();
        await using var database = NpgsqlDataSource.Create(connectionString);
        var storage = new SeqlineStorage { Provider = StorageProvider.Postgres, Postgres = { ConnectionString = connectionString } };

        await new PostgresConnectionBudget(Options.Create(storage), database, logger).CheckAsync(CancellationToken.None);

        Assert.Empty(logger.Warnings);
    }

    private sealed class Recorded : ILogger<PostgresConnectionBudget>
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyCollection<string> Warnings => _warnings;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) _warnings.Enqueue(formatter(state, exception));
        }
    }
}
