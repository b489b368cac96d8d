using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Peer;

/// <summary>
/// A private ejabberd from the machine's Debian packages (<c>ejabberd</c>, <c>erlang-p1-sqlite3</c>):
/// the Erlang VM started straight from <c>erl</c> (not the system service, not ejabberdctl, which
/// would switch to the package's user and its /var folders), with its own config, ports on 127.0.0.1,
/// Mnesia spool, log and SQLite database in a folder of the bench's, all removed on dispose.
/// </summary>
/// <remarks>
/// Everything ejabberd keeps goes to SQL (<c>default_db: sql</c>): accounts, rosters and the MAM
/// archive, in one SQLite file that ejabberd opens through one connection (p1_sqlite3 runs one
/// sqlite3 port per host, whatever <c>sql_pool_size</c> says), in SQLite's defaults: rollback
/// journal, synchronous=FULL, every statement its own transaction. Accounts are made through
/// ejabberd's own ReST API (mod_http_api, loopback only), as <c>ejabberdctl register</c> would.
/// </remarks>
public sealed class EjabberdServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly ChildProcess _process;
    private readonly string _root;

    private EjabberdServer(ChildProcess process, string root, int clientPort, int httpPort, string version)
    {
        _process = process;
        _root = root;
        ClientPort = clientPort;
        HttpPort = httpPort;
        Version = version;
    }

    /// <summary>The XMPP domain the server serves.</summary>
    public const string Domain = "localhost";

    public int ClientPort { get; }
    public int HttpPort { get; }
    public string Version { get; }

    /// <summary>The VM's process (erl execs into beam.smp): the one to measure.</summary>
    public int Pid => _process.Pid;

    public string DatabasePath => Path.Combine(_root, "ejabberd.db");

    /// <summary>Where Debian puts ejabberd's Erlang application, or null when it is not installed.</summary>
    public static string? InstalledApplication() =>
        Directory.Exists("/usr/lib")
            ? Directory.EnumerateDirectories("/usr/lib", "ejabberd-*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 })
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "ebin", "ejabberd.app")))
            : null;

    private static bool SqliteDriverInstalled() =>
        Directory.Exists("/usr/lib/erlang/lib") && Directory.EnumerateDirectories("/usr/lib/erlang/lib", "p1_sqlite3-*").Any();

    public static bool Installed => InstalledApplication() is not null && SqliteDriverInstalled() && File.Exists("/usr/bin/erl");

    /// <summary>
    /// Installs the two Debian packages (as root, else through sudo). The package also installs a system
    /// service, which this bench never uses; on machines where package scripts may start services it
    /// starts on the standard ports, which the private server does not use.
    /// </summary>
    public static async Task InstallAsync(IBenchUi ui)
    {
        if (Installed) return;
        ui.Info("peer: installing ejabberd and erlang-p1-sqlite3 (apt-get)");
        var root = Environment.UserName == "root";
        foreach (var args in new[] { "apt-get update -qq", "env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ejabberd erlang-p1-sqlite3" })
        {
            var start = new ProcessStartInfo("sh") { ArgumentList = { "-c", root ? args : $"sudo -n {args}" } };
            var (code, output) = await ChildProcess.RunAsync("apt-get", start, TimeSpan.FromMinutes(10));
            if (code != 0) throw new InvalidOperationException($"'{args}' failed with exit code {code}:{Environment.NewLine}{output}");
        }
        if (!Installed) throw new InvalidOperationException("apt-get installed ejabberd, but its Erlang application or p1_sqlite3 is not where Debian puts them.");
    }

    /// <summary>Starts a fresh server in <paramref name="workDirectory"/> and registers <paramref name="users"/> with <paramref name="password"/>.</summary>
    public static async Task<EjabberdServer> StartAsync(string workDirectory, IReadOnlyList<string> users, string password)
    {
        var application = InstalledApplication()
            ?? throw new InvalidOperationException("ejabberd is not installed: run `bench peer --install` (apt-get install ejabberd erlang-p1-sqlite3), or `bench peer --targets seqline-hub,seqline-http`.");
        if (!SqliteDriverInstalled()) throw new InvalidOperationException("erlang-p1-sqlite3 is not installed: run `bench peer --install`.");
        var version = Path.GetFileName(application)["ejabberd-".Length..];
        var root = Path.GetFullPath(workDirectory);
        Directory.CreateDirectory(Path.Combine(root, "spool"));
        Directory.CreateDirectory(Path.Combine(root, "logs"));
        var ports = LoopbackPorts.Take(2);
        var config = Path.Combine(root, "ejabberd.yml");
        await File.WriteAllTextAsync(config, Config(Path.Combine(root, "ejabberd.db"), ports[0], ports[1]));

        var start = new ProcessStartInfo("/usr/bin/erl") { WorkingDirectory = root };
        foreach (var arg in new[] { "-noinput", "-noshell", "+K", "true", "+P", "250000", "-mnesia", "dir", $"\"{Path.Combine(root, "spool")}\"", "-s", "ejabberd" })
            start.ArgumentList.Add(arg);
        var process = ChildProcess.Start("ejabberd", start, new Dictionary<string, string?>
        {
            ["EJABBERD_CONFIG_PATH"] = config,
            ["EJABBERD_LOG_PATH"] = Path.Combine(root, "logs", "ejabberd.log"),
            ["ERL_LIBS"] = Path.GetDirectoryName(application),
            ["ERL_CRASH_DUMP_BYTES"] = "0",
            ["ERL_MAX_PORTS"] = "32000",
        });
        var server = new EjabberdServer(process, root, ports[0], ports[1], version);
        try
        {
            await process.WaitUntilListeningAsync(ports[1], StartTimeout);
            await process.WaitUntilListeningAsync(ports[0], StartTimeout);
            await server.RegisterAsync(users, password);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The server's configuration: what matters for the comparison is said where it is set.</summary>
    public static string Config(string database, int clientPort, int httpPort) => $"""
        hosts:
          - {Domain}
        loglevel: warning
        log_rotate_count: 0
        # Everything on SQL, and SQL on SQLite: accounts, rosters, the MAM archive.
        default_db: sql
        sql_type: sqlite
        sql_database: "{database}"
        auth_method: sql
        auth_password_format: scram
        # The bench's 200 users log in at once from one address.
        max_fsm_queue: 100000
        listen:
          -
            port: {clientPort.ToString(CultureInfo.InvariantCulture)}
            ip: "127.0.0.1"
            module: ejabberd_c2s
            backlog: 1024
            max_stanza_size: 262144
            # No traffic shaping: the bench measures the server, not its rate limits.
            shaper: none
            access: all
          -
            port: {httpPort.ToString(CultureInfo.InvariantCulture)}
            ip: "127.0.0.1"
            module: ejabberd_http
            request_handlers:
              /api: mod_http_api
        api_permissions:
          "bench: accounts from loopback":
            from:
              - mod_http_api
            who:
              ip: 127.0.0.1/8
            what: "*"
        shaper_rules:
          max_user_sessions: 10
        modules:
          # Every 1:1 message is archived, for the sender and for the recipient, before it goes on.
          mod_mam:
            db_type: sql
            default: always
            assume_mam_usage: true
          # XEP-0198: the only acknowledgement a server gives an XMPP sender.
          mod_stream_mgmt:
            resend_on_timeout: if_offline
          mod_roster: {"{}"}
          mod_offline: {"{}"}
          mod_ping: {"{}"}
          mod_disco: {"{}"}
        """;

    private async Task RegisterAsync(IReadOnlyList<string> users, string password)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(60) };
        await Infrastructure.Devices.ForEachAsync(users, 4, async user =>
        {
            // Right after start the SQLite file may still be busy (ejabberd creates its schema, and the
            // one connection serves one statement at a time): an internal error is worth a few retries.
            for (var attempt = 1; ; attempt++)
            {
                // A body with a length: ejabberd's HTTP listener answers a chunked request with 400.
                using var body = new StringContent(JsonSerializer.Serialize(new { user, host = Domain, password }), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("api/register", body);
                if (response.IsSuccessStatusCode) return;
                if ((int)response.StatusCode < 500 || attempt == 5)
                    throw _process.Failure($"registering {user}@{Domain} failed: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(200 * attempt);
            }
        });
    }

    /// <summary>The SQLite files and their sizes, for the report.</summary>
    public string DescribeFiles()
    {
        var files = new DirectoryInfo(_root).GetFiles("ejabberd.db*");
        return string.Join(", ", files.Select(f => $"{f.Name} {Reporting.Format.Bytes(f.Length)}"));
    }

    /// <summary>SIGTERM (the VM stops its applications and exits), then the folder goes.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync(ChildProcess.SigTerm, StopTimeout);
        }
        finally
        {
            await _process.DisposeAsync();
            TempDirectory.DeleteQuietly(_root);
        }
    }
}
