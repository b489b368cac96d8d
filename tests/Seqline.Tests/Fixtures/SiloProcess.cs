using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Seqline.Hosting;

namespace Seqline.Tests.Fixtures;

/// <summary>The three loopback ports one node listens on; a restarted node reuses them.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    /// <summary>Three distinct ports nobody holds: all are bound at once, then released for the node.</summary>
    public static SiloPorts Free()
    {
        var ports = LoopbackPorts.Take(3);
        return new SiloPorts(ports[0], ports[1], ports[2]);
    }
}

/// <summary>
/// The real node (Seqline.Silo.dll, see <see cref="NodeProcess"/>) as a child process on SQLite,
/// configured through environment variables the way an operator would, with the test suite's keys and
/// ports. Its output is kept for failure messages. <see cref="Kill"/> is a SIGKILL: no shutdown hooks,
/// no flush, exactly what a crash or an OOM kill does.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string ServiceId = ClusterSettings.DefaultServiceId;
    public const string ClusterId = ClusterSettings.DefaultClusterId;

    private static readonly TimeSpan StartTimeout = NodeProcess.StartTimeout;

    private readonly NodeProcess _node;

    private SiloProcess(NodeProcess node, SiloPorts ports, string dataDirectory)
    {
        _node = node;
        Ports = ports;
        DataDirectory = dataDirectory;
    }

    public SiloPorts Ports { get; }
    public string DataDirectory { get; }
    public int ProcessId => _node.Pid;
    public bool HasExited => _node.HasExited;
    public int ExitCode => _node.ExitCode;

    /// <summary>The last lines the node wrote to stdout and stderr.</summary>
    public string Output => _node.Output;

    /// <summary>
    /// Starts a node on <paramref name="dataDirectory"/> and returns once it answers /health/ready.
    /// <paramref name="settings"/> are further environment variables (<c>Seqline__…</c> options);
    /// <paramref name="unset"/> names variables to remove, as for an operator who never set them.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string dataDirectory, SiloPorts ports, IReadOnlyDictionary<string, string>? settings = null, IEnumerable<string>? unset = null)
    {
        var environment = (settings ?? new Dictionary<string, string>()).ToDictionary(s => s.Key, string? (s) => s.Value);
        foreach (var name in unset ?? []) environment[name] = null;
        var node = await NodeProcess.StartAsync($"node (data {dataDirectory})", Environment(dataDirectory, ports, environment), dataDirectory);
        return new SiloProcess(node, ports, dataDirectory);
    }

    /// <summary>
    /// Runs a node that is expected to stop by itself (a refused start) and returns its exit code and
    /// what it wrote. <paramref name="environment"/> overrides the test node's variables; a null value
    /// removes one, as for an operator who never set it.
    /// </summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(string dataDirectory, SiloPorts ports, IReadOnlyDictionary<string, string?> environment) =>
        NodeProcess.RunToExitAsync(Environment(dataDirectory, ports, environment), dataDirectory);

    // The test node's settings, then the test's own on top.
    private static Dictionary<string, string?> Environment(string dataDirectory, SiloPorts ports, IReadOnlyDictionary<string, string?> settings)
    {
        var env = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{ports.Http.ToString(CultureInfo.InvariantCulture)}",
            ["Seqline__Storage__Sqlite__DataDirectory"] = dataDirectory,
            ["Seqline__Cluster__SiloPort"] = ports.Silo.ToString(CultureInfo.InvariantCulture),
            ["Seqline__Cluster__GatewayPort"] = ports.Gateway.ToString(CultureInfo.InvariantCulture),
            ["Seqline__Conversations__FanoutRecoveryPeriod"] = "00:00:02",
            ["Seqline__Auth__SigningKey"] = SeqlineServer.SigningKey,
            ["Seqline__Sync__CursorKey"] = SeqlineServer.CursorKey,
        };
        foreach (var (name, value) in settings) env[name] = value;
        return env;
    }

    /// <summary>
    /// An Orleans client connected through the node's gateway, or through whatever
    /// <paramref name="clustering"/> says (a cluster's membership table). A freshly started node may
    /// not take clients yet, so connecting is retried, each time with a new client host, for up to a minute.
    /// </summary>
    public async Task<SiloClient> ConnectAsync(TimeSpan? responseTimeout = null, Action<IClientBuilder>? clustering = null)
    {
        clustering ??= client => client.UseLocalhostClustering(Ports.Gateway, serviceId: ServiceId, clusterId: ClusterId);
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            if (HasExited) throw Failure($"The node exited with code {ExitCode} before a client could connect.");
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(client =>
            {
                clustering(client);
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(10));
            });
            var host = builder.Build();
            try
            {
                using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await host.StartAsync(startup.Token);
                return new SiloClient(host);
            }
            catch (Exception error) when (deadline.Elapsed < StartTimeout)
            {
                await SiloClient.StopQuietly(host);
                if (attempt % 10 == 0) _node.Note($"[test] client connect attempt {attempt} failed: {error.GetType().Name}: {error.Message}");
                await Task.Delay(200);
            }
            catch (Exception error)
            {
                await SiloClient.StopQuietly(host);
                throw Failure($"No client could connect to gateway port {Ports.Gateway} within {StartTimeout.TotalSeconds:0} s: {error}");
            }
        }
    }

    /// <summary>SIGKILL (see <see cref="ChildProcess.Kill"/>), then waits for the process to be gone.</summary>
    public void Kill() => _node.Kill();

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    /// <summary>An exception whose message carries the node's recent output.</summary>
    public InvalidOperationException Failure(string message) => _node.Failure(message);
}

/// <summary>An Orleans client (its own host) connected to a <see cref="SiloProcess"/>.</summary>
public sealed class SiloClient(IHost host) : IAsyncDisposable
{
    public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

    public ValueTask DisposeAsync() => new(StopQuietly(host));

    // A client whose node was killed cannot say goodbye to it; stopping is bounded and best effort.
    internal static async Task StopQuietly(IHost host)
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stop.Token);
        }
        catch (Exception)
        {
            // The node is gone or going; nothing to tell it.
        }
        finally
        {
            host.Dispose();
        }
    }
}

/// <summary>Tests that start node processes run alone: they time a kill under load on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloProcessCollection
{
    public const string Name = "Silo process";
}
