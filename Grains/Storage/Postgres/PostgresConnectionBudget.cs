using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Seqline.Hosting;

namespace Seqline.Storage.Postgres;

/// <summary>
/// Warns as a silo starts when this node alone may ask the PostgreSQL server for more connections
/// than it accepts. A silo holds two pools, Orleans' ADO.NET providers' and Seqline's stores', each
/// of up to the connection string's <c>Maximum Pool Size</c> (Npgsql's default: 100), so one busy
/// node can want 200 connections, twice a stock server's <c>max_connections</c>. Connections the
/// server refuses fail calls under load, and each retry costs the server a new process; the fix is
/// the operator's (a smaller pool, a larger server, PgBouncer), so the node says so and starts.
/// </summary>
internal sealed class PostgresConnectionBudget(
    IOptions<SeqlineStorage> storage,
    [FromKeyedServices(PostgresSiloBuilderExtensions.DataSourceKey)] NpgsqlDataSource database,
    ILogger<PostgresConnectionBudget> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Npgsql pools a silo opens: Orleans' (one connection string, one pool) and Seqline's data source.</summary>
    public const int PoolsPerNode = 2;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgresConnectionBudget), ServiceLifecycleStage.First, CheckAsync);

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(storage.Value.Postgres.ConnectionString);
        if (!connection.Pooling) return;
        int accepted;
        try
        {
            await using var command = database.CreateCommand(
                "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int");
            accepted = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (NpgsqlException error)
        {
            // Advisory only: a server the node cannot reach stops the start at the schema step.
            logger.LogDebug(error, "Could not read the server's max_connections.");
            return;
        }

        var wanted = PoolsPerNode * connection.MaxPoolSize;
        if (wanted > accepted)
        {
            logger.LogWarning(
                "This node may open {Wanted} PostgreSQL connections (two pools of Maximum Pool Size {MaxPoolSize}), more than the server accepts " +
                "({Accepted}: max_connections less superuser_reserved_connections), and under load the refused ones fail calls. Set Maximum Pool Size " +
                "in {Setting} so that the nodes' pools together stay under the server's limit, raise max_connections, or put PgBouncer in front (docs/deploy.md).",
                wanted, connection.MaxPoolSize, accepted, $"{SeqlineStorage.Section}:Postgres:ConnectionString");
        }
    }
}
