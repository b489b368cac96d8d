using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Seqline.Silo;

namespace Seqline.Bench.Infrastructure;

/// <summary>Where the node under test runs.</summary>
public enum NodeMode
{
    /// <summary>Seqline.Silo.dll in its own process: its CPU and memory are its own.</summary>
    Process,

    /// <summary>Built by <see cref="SeqlineNode.Build"/> inside the bench's process (fast to start; for smoke runs).</summary>
    InProcess,
}

/// <summary>A Seqline node (silo + edge) the bench talks to over HTTP and SignalR on 127.0.0.1.</summary>
public interface INode : IAsyncDisposable
{
    Uri BaseAddress { get; }

    /// <summary>The process to measure: the node's own, or the bench's when the node runs inside it.</summary>
    int Pid { get; }

    bool InProcess { get; }
}

/// <summary>The configuration every node the bench starts gets, as configuration keys (<c>Seqline:…</c>).</summary>
public static class NodeSettings
{
    public static Dictionary<string, string> Common(int siloPort, int gatewayPort, int httpPort) => new()
    {
        ["Urls"] = $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
        ["Seqline:Auth:SigningKey"] = Tokens.BenchSigningKey,
        ["Seqline:Sync:CursorKey"] = "seqline-bench-cursor-key",
        ["Seqline:Auth:DevTokens"] = "false",
        // The node runs as Production, where metrics need a token; the bench reads them (NodeMetrics).
        ["Seqline:Telemetry:ScrapeToken"] = Tokens.BenchScrapeToken,
        // The per-user send limit (20/s by default) would measure the limiter, not the node.
        ["Seqline:RateLimits:SendsPerSecond"] = "1000000",
        ["Seqline:RateLimits:SendBurst"] = "1000000",
        ["Seqline:Cluster:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
        ["Seqline:Cluster:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
    };

    /// <summary>A node on SQLite files under <paramref name="dataDirectory"/>, with the product's defaults otherwise (synchronous=FULL).</summary>
    public static Dictionary<string, string> Sqlite(string dataDirectory, int siloPort, int gatewayPort, int httpPort)
    {
        var settings = Common(siloPort, gatewayPort, httpPort);
        settings["Seqline:Storage:Provider"] = "Sqlite";
        settings["Seqline:Storage:Sqlite:DataDirectory"] = dataDirectory;
        return settings;
    }

    /// <summary>A node on the PostgreSQL database <paramref name="connectionString"/>, advertising 127.0.0.1.</summary>
    public static Dictionary<string, string> Postgres(string connectionString, int siloPort, int gatewayPort, int httpPort)
    {
        var settings = Common(siloPort, gatewayPort, httpPort);
        settings["Seqline:Storage:Provider"] = "Postgres";
        settings["Seqline:Storage:Postgres:ConnectionString"] = connectionString;
        settings["Seqline:Cluster:AdvertisedIPAddress"] = "127.0.0.1";
        settings["Seqline:Cluster:ListenOnAnyAddress"] = "false";
        settings["Seqline:Cluster:Kubernetes"] = "Off";
        return settings;
    }

    /// <summary>A silo of a cluster on Azure tables (Azurite at <paramref name="connectionString"/>), its tables named <paramref name="tablePrefix"/>…, advertising 127.0.0.1.</summary>
    public static Dictionary<string, string> AzureTables(string connectionString, string tablePrefix, int siloPort, int gatewayPort, int httpPort)
    {
        var settings = Common(siloPort, gatewayPort, httpPort);
        settings["Seqline:Storage:Provider"] = "AzureTables";
        settings["Seqline:Storage:AzureTables:ConnectionString"] = connectionString;
        settings["Seqline:Storage:AzureTables:TablePrefix"] = tablePrefix;
        settings["Seqline:Cluster:AdvertisedIPAddress"] = "127.0.0.1";
        settings["Seqline:Cluster:ListenOnAnyAddress"] = "false";
        return settings;
    }

    /// <summary>Configuration keys as environment variables (<c>Seqline:A:B</c> → <c>Seqline__A__B</c>).</summary>
    public static Dictionary<string, string?> AsEnvironment(IReadOnlyDictionary<string, string> settings) =>
        settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), string? (s) => s.Value);
}

public static class Nodes
{
    /// <summary>A fresh SQLite node on <paramref name="dataDirectory"/>, in its own process or in this one.</summary>
    public static Task<INode> StartSqliteAsync(NodeMode mode, string dataDirectory, IReadOnlyDictionary<string, string>? extra = null)
    {
        var ports = LoopbackPorts.Take(3);
        return StartAsync(mode, dataDirectory, NodeSettings.Sqlite(dataDirectory, ports[0], ports[1], ports[2]), extra);
    }

    /// <summary>A node on a PostgreSQL database, in its own process or in this one.</summary>
    public static Task<INode> StartPostgresAsync(NodeMode mode, string workDirectory, string connectionString)
    {
        var ports = LoopbackPorts.Take(3);
        return StartAsync(mode, workDirectory, NodeSettings.Postgres(connectionString, ports[0], ports[1], ports[2]), null);
    }

    private static async Task<INode> StartAsync(NodeMode mode, string dataDirectory, Dictionary<string, string> settings, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        if (mode == NodeMode.InProcess)
        {
            settings["Urls"] = "http://127.0.0.1:0";
            return await InProcessNode.StartAsync(settings);
        }
        return await ProcessNode.StartAsync("node", settings, dataDirectory);
    }
}

/// <summary>A node built by <see cref="SeqlineNode.Build"/> in this process.</summary>
public sealed class InProcessNode : INode
{
    private readonly WebApplication _app;

    private InProcessNode(WebApplication app)
    {
        _app = app;
        BaseAddress = ServerAddress.Of(app);
    }

    public Uri BaseAddress { get; }
    public int Pid => Environment.ProcessId;
    public bool InProcess => true;

    /// <summary>The node's services: its silo's grain factory and stores, for scenarios that work inside the node.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessNode> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        // Settings go in as command-line configuration, read before the node registers anything.
        var app = SeqlineNode.Build(settings.Select(s => $"--{s.Key}={s.Value}").ToArray());
        await app.StartAsync();
        return new InProcessNode(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping is bounded; what is left goes with the process.
        }
        await _app.DisposeAsync();
    }
}

/// <summary>The real node in its own process (<see cref="NodeProcess"/>), started with the bench's configuration keys.</summary>
public sealed class ProcessNode(NodeProcess process) : INode
{
    public NodeProcess Process { get; } = process;
    public Uri BaseAddress => Process.BaseAddress;
    public int Pid => Process.Pid;
    public bool InProcess => false;

    public static async Task<ProcessNode> StartAsync(string name, IReadOnlyDictionary<string, string> settings, string workingDirectory) =>
        new(await NodeProcess.StartAsync(name, NodeSettings.AsEnvironment(settings), workingDirectory));

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
