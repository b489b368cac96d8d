using System.Runtime.CompilerServices;
using Npgsql;

namespace Seqline.Storage.Postgres;

/// <summary>
/// The tables a Seqline cluster keeps in PostgreSQL: Orleans' own (queries, membership, grain state,
/// reminders, from the scripts of its ADO.NET providers) and Seqline's (timelines and rows). Each
/// script is applied once, all of them in one transaction under an advisory lock, so silos starting
/// together neither race nor leave half a schema behind.
/// </summary>
/// <remarks>
/// The scripts are embedded copies of <c>Grains/Storage/Postgres/Scripts/*.sql</c>. An operator who
/// does not let the nodes change the schema applies the same files with <c>psql</c>, in
/// <see cref="Scripts"/> order, and sets <c>Seqline:Storage:Postgres:CreateSchema</c> to false.
/// </remarks>
public static class PostgresSchema
{
    /// <summary>Any 64-bit number that no other application on the database locks by.</summary>
    private const long SchemaLock = 0x5365_716C_696E_6531; // "Seqline1"

    /// <summary>Each script, and the table whose presence says it has been applied (null: idempotent, run every time).</summary>
    public static IReadOnlyList<(string Script, string? AppliedIfTableExists)> Scripts { get; } =
    [
        ("PostgreSQL-Main.sql", "orleansquery"),
        ("PostgreSQL-Clustering.sql", "orleansmembershiptable"),
        ("PostgreSQL-Persistence.sql", "orleansstorage"),
        ("PostgreSQL-Reminders.sql", "orleansreminderstable"),
        ("Seqline.sql", null),
    ];

    // One schema step per database, shared by its stores: a silo's four stores apply (or check)
    // the scripts once, not four times. A step that failed is tried afresh by the next caller.
    private static readonly ConditionalWeakTable<NpgsqlDataSource, Task> Ensured = new();

    /// <summary>
    /// What a PostgreSQL store's <c>EnsureCreatedAsync</c> does: applies the scripts not applied yet
    /// or, when the deployment manages the schema itself, refuses to go on without them. Done once
    /// per data source for all its stores; no one caller's token cancels the shared step.
    /// </summary>
    public static Task EnsureAsync(NpgsqlDataSource database, bool create, CancellationToken cancellationToken = default)
    {
        Task step;
        lock (Ensured)
        {
            if (!Ensured.TryGetValue(database, out step!) || step.IsFaulted || step.IsCanceled)
            {
                step = EnsureOnceAsync(database, create);
                Ensured.AddOrUpdate(database, step);
            }
        }
        return step.WaitAsync(cancellationToken);
    }

    private static async Task EnsureOnceAsync(NpgsqlDataSource database, bool create)
    {
        if (create)
        {
            await ApplyAsync(database);
            return;
        }
        var missing = await MissingAsync(database);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database lacks the tables of {string.Join(", ", missing)}, and Seqline:Storage:Postgres:CreateSchema is false: " +
                "apply Grains/Storage/Postgres/Scripts with psql (docs/deploy.md), or let the node create them.");
        }
    }

    /// <summary>Applies every script not applied yet; returns the names of those it ran.</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlDataSource database, CancellationToken cancellationToken = default)
    {
        var applied = new List<string>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var wait = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", connection, transaction))
        {
            wait.Parameters.AddWithValue("k", SchemaLock);
            await wait.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (script, marker) in Scripts)
        {
            if (marker is not null && await TableExistsAsync(connection, transaction, marker, cancellationToken)) continue;
            await using var run = new NpgsqlCommand(Read(script), connection, transaction);
            await run.ExecuteNonQueryAsync(cancellationToken);
            if (marker is not null) applied.Add(script);
        }
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>The scripts whose tables are missing (for a node told not to create them).</summary>
    public static async Task<IReadOnlyList<string>> MissingAsync(NpgsqlDataSource database, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var missing = new List<string>();
        var markers = Scripts.Select(s => (s.Script, Table: s.AppliedIfTableExists ?? "conversations_heads"));
        foreach (var (script, table) in markers)
        {
            if (!await TableExistsAsync(connection, null, table, cancellationToken)) missing.Add(script);
        }
        return missing;
    }

    /// <summary>The text of one of <see cref="Scripts"/>.</summary>
    public static string Read(string script)
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream($"Seqline.Postgres.{script}")
            ?? throw new InvalidOperationException($"The PostgreSQL script {script} is not embedded in {typeof(PostgresSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Store names become table names: lower-case letters only, so they are safe in SQL.</summary>
    public static string RequireTableName(string name, string kind) =>
        name.Length > 0 && name.All(char.IsAsciiLetterLower) ? name : throw new ArgumentException($"{kind} names are lower-case letters.", nameof(name));

    // to_regclass resolves through the search path, as the scripts' unqualified names do.
    private static async Task<bool> TableExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", connection, transaction);
        probe.Parameters.AddWithValue("t", table);
        return (bool)(await probe.ExecuteScalarAsync(cancellationToken))!;
    }
}
