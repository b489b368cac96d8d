using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Seqline.Testing;

/// <summary>
/// A private PostgreSQL server from the machine's own installation (Debian's <c>postgresql</c> package):
/// a fresh cluster made by <c>initdb</c> in a temp folder, listening on 127.0.0.1 at a free port, trust
/// authentication on loopback. Removed, files and all, on dispose. The test suite and the bench both start
/// theirs through this class.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so when this process is root the server runs as the <c>postgres</c>
/// user the package creates (<c>nobody</c> otherwise), through <c>setpriv</c>, which execs rather than
/// forks: the child process is the postmaster itself, and signals reach it.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser initdb creates; trust authentication, so no password.</summary>
    public const string Superuser = "seqline";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly ChildProcess _process;
    private readonly string _root;

    private PostgresServer(ChildProcess process, string root, int port)
    {
        _process = process;
        _root = root;
        Port = port;
    }

    public int Port { get; }
    public int Pid => _process.Pid;

    /// <summary>The superuser's connection string to database <c>postgres</c>.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
    }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(int maxConnections = 300)
    {
        var bin = BinDirectory();
        var root = Path.Combine(Path.GetTempPath(), "seqline-postgres", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        // The server's user creates its data and socket folders in here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111);
        var data = Path.Combine(root, "data");
        try
        {
            await RunInitdbAsync(AsServerUser(Path.Combine(bin, "initdb"),
                ["-D", data, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"]));
        }
        catch
        {
            TempDirectory.DeleteQuietly(root);
            throw;
        }

        var port = LoopbackPorts.One();
        var start = AsServerUser(Path.Combine(bin, "postgres"),
        [
            "-D", data, "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-k", root,
            "-c", $"max_connections={maxConnections.ToString(CultureInfo.InvariantCulture)}",
            "-c", "shared_buffers=128MB",
        ]);
        var server = new PostgresServer(ChildProcess.Start("postgres", start), root, port);
        try
        {
            await server.WaitUntilAcceptingAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>A new, empty database; returns the superuser's connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "db_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>A fast shutdown (SIGINT: open transactions roll back, the server stops cleanly), then the files go.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync(ChildProcess.SigInt, StopTimeout);
        }
        finally
        {
            await _process.DisposeAsync();
            TempDirectory.DeleteQuietly(_root);
        }
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var clock = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Timeout = 2, Pooling = false }.ConnectionString;
        string? last = null;
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited) throw _process.Failure($"PostgreSQL exited with code {_process.ExitCode} before accepting connections.");
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                last = e.Message;
                await Task.Delay(100);
            }
        }
        throw _process.Failure($"PostgreSQL did not accept connections on port {Port} within {StartTimeout.TotalSeconds:0} s (last: {last}).");
    }

    private static ProcessStartInfo AsServerUser(string program, IEnumerable<string> args)
    {
        ProcessStartInfo start;
        if (Environment.IsPrivilegedProcess)
        {
            var user = UserExists("postgres") ? "postgres" : "nobody";
            start = new ProcessStartInfo("setpriv");
            foreach (var arg in new[] { $"--reuid={user}", $"--regid={user}", "--init-groups", "--", program }) start.ArgumentList.Add(arg);
        }
        else
        {
            start = new ProcessStartInfo(program);
        }
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The server's messages in English whatever the machine's locale, and no inherited PG* settings.
        start.Environment["LC_ALL"] = "C";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        return start;
    }

    private static async Task RunInitdbAsync(ProcessStartInfo start)
    {
        await using var process = ChildProcess.Start("initdb", start);
        try
        {
            await process.WaitForExitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw process.Failure($"{start.FileName} did not finish within {StartTimeout.TotalSeconds:0} s.");
        }
        if (process.ExitCode != 0) throw process.Failure($"{string.Join(' ', start.ArgumentList)} exited with code {process.ExitCode}.");
    }

    /// <summary>
    /// Where the server's programs are: <c>SEQLINE_POSTGRES_BIN</c>, else the newest major version under
    /// /usr/lib/postgresql (Debian's layout).
    /// </summary>
    private static string BinDirectory()
    {
        if (Environment.GetEnvironmentVariable("SEQLINE_POSTGRES_BIN") is { Length: > 0 } configured) return configured;
        const string debian = "/usr/lib/postgresql";
        var newest = Directory.Exists(debian)
            ? Directory.GetDirectories(debian)
                .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => File.Exists(Path.Combine(d.Dir, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Dir, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"No PostgreSQL server under {debian}/<version>/bin: install Debian's postgresql package (bash .ci/test does) or set SEQLINE_POSTGRES_BIN.");
    }

    private static bool UserExists(string user) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));
}
