using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Seqline.Tests.Fixtures;

/// <summary>The three loopback ports one node listens on; a restarted node reuses them.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    /// <summary>Three distinct ports nobody holds: all are bound at once, then released for the node.</summary>
    public static SiloPorts Free()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners) listener.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return new SiloPorts(ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}

/// <summary>
/// The real node (Seqline.Silo.dll) as a child process on SQLite, configured through environment
/// variables the way an operator would. Its output is kept for failure messages. <see cref="Kill"/>
/// is a SIGKILL: no shutdown hooks, no flush, exactly what a crash or an OOM kill does.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string ServiceId = "seqline";
    public const string ClusterId = "seqline";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private const int MaxOutputLines = 2000;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private SiloProcess(Process process, SiloPorts ports, string dataDirectory)
    {
        _process = process;
        Ports = ports;
        DataDirectory = dataDirectory;
    }

    public SiloPorts Ports { get; }
    public string DataDirectory { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the node wrote to stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join(Environment.NewLine, _output);
        }
    }

    /// <summary>
    /// Starts a node on <paramref name="dataDirectory"/> and returns once it answers /health/ready.
    /// <paramref name="settings"/> are further environment variables (<c>Seqline__…</c> options);
    /// <paramref name="unset"/> names variables to remove, as for an operator who never set them.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string dataDirectory, SiloPorts ports, IReadOnlyDictionary<string, string>? settings = null, IEnumerable<string>? unset = null)
    {
        var environment = (settings ?? new Dictionary<string, string>()).ToDictionary(s => s.Key, string? (s) => s.Value);
        foreach (var name in unset ?? []) environment[name] = null;
        var start = StartInfo(dataDirectory, ports, environment);
        var node = new SiloProcess(new Process { StartInfo = start }, ports, dataDirectory);
        node._process.OutputDataReceived += (_, e) => node.Capture(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Capture(e.Data);
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilHealthyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>
    /// Runs a node that is expected to stop by itself (a refused start) and returns its exit code and
    /// what it wrote. <paramref name="environment"/> overrides the test node's variables; a null value
    /// removes one, as for an operator who never set it.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string dataDirectory, SiloPorts ports, IReadOnlyDictionary<string, string?> environment)
    {
        var start = StartInfo(dataDirectory, ports, environment);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The node was expected to stop by itself but still ran after {StartTimeout.TotalSeconds:0} s. Output:{Environment.NewLine}{output}");
        }
        process.WaitForExit(); // drains the redirected output
        lock (output) return (process.ExitCode, output.ToString());
    }

    // The node as an operator starts it: Production, its settings in environment variables.
    private static ProcessStartInfo StartInfo(string dataDirectory, SiloPorts ports, IReadOnlyDictionary<string, string?>? settings)
    {
        var silo = SiloAssembly();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(silo);

        // Whatever the test runner's environment says about URLs or environments must not leak in.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS",
                     "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTPS_PORTS", "HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }
        var env = start.Environment;
        env["DOTNET_ENVIRONMENT"] = "Production";
        // The node's own appsettings.json (logging levels, synchronous=FULL) sits beside the dll; the
        // working directory is the data folder, so point the content root at the dll explicitly.
        env["DOTNET_CONTENTROOT"] = Path.GetDirectoryName(silo)!;
        env["Urls"] = $"http://127.0.0.1:{ports.Http.ToString(CultureInfo.InvariantCulture)}";
        env["Seqline__Storage__Sqlite__DataDirectory"] = dataDirectory;
        env["Seqline__Cluster__SiloPort"] = ports.Silo.ToString(CultureInfo.InvariantCulture);
        env["Seqline__Cluster__GatewayPort"] = ports.Gateway.ToString(CultureInfo.InvariantCulture);
        env["Seqline__Conversations__FanoutRecoveryPeriod"] = "00:00:02";
        env["Seqline__Auth__SigningKey"] = SeqlineServer.SigningKey;
        env["Seqline__Sync__CursorKey"] = SeqlineServer.CursorKey;
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null) env.Remove(name);
            else env[name] = value;
        }
        return start;
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
            if (HasExited) throw Failure($"The node exited with code {_process.ExitCode} before a client could connect.");
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
                if (attempt % 10 == 0) Capture($"[test] client connect attempt {attempt} failed: {error.GetType().Name}: {error.Message}");
                await Task.Delay(200);
            }
            catch (Exception error)
            {
                await SiloClient.StopQuietly(host);
                throw Failure($"No client could connect to gateway port {Ports.Gateway} within {StartTimeout.TotalSeconds:0} s: {error}");
            }
        }
    }

    /// <summary>
    /// SIGKILL, then waits for the process to be gone. <c>Process.Kill()</c> is <c>kill(pid, SIGKILL)</c>
    /// on Linux, sent at once. <c>Kill(entireProcessTree: true)</c> would first read every process
    /// under /proc looking for descendants, then SIGSTOP and SIGKILL: tens of milliseconds (more when
    /// cold on a busy machine) during which the node goes on serving. The node has no descendants
    /// (the dotnet host runs it in-process), so the plain kill is the same kill, only on time.
    /// </summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            throw Failure($"The node (pid {_process.Id}) did not exit within 30 s of SIGKILL.");
        _process.WaitForExit(); // also drains the redirected output
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>An exception whose message carries the node's recent output.</summary>
    public InvalidOperationException Failure(string message) =>
        new($"{message}{Environment.NewLine}--- node output (pid {_process.Id}, data {DataDirectory}) ---{Environment.NewLine}{Output}");

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var url = $"http://127.0.0.1:{Ports.Http.ToString(CultureInfo.InvariantCulture)}/health/ready";
        var deadline = Stopwatch.StartNew();
        string? lastError = null;
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw Failure($"The node exited with code {_process.ExitCode} before {url} answered.");
            }
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
                lastError = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastError = e.Message;
            }
            await Task.Delay(100);
        }
        throw Failure($"{url} did not answer within {StartTimeout.TotalSeconds:0} s (last: {lastError}).");
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > MaxOutputLines) _output.Dequeue();
        }
    }

    // The test project references Silo, so the node's dll, runtimeconfig and deps sit in the test's
    // output folder; a build of Silo itself is the fallback.
    private static string SiloAssembly()
    {
        const string dll = "Seqline.Silo.dll";
        var beside = Path.Combine(AppContext.BaseDirectory, dll);
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug"; // bin/<Configuration>/net10.0/
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) continue;
            var built = Path.Combine(dir.FullName, "Silo", "bin", configuration, "net10.0", dll);
            if (File.Exists(built)) return built;
            throw new InvalidOperationException($"{dll} is neither in {AppContext.BaseDirectory} nor at {built}; build Orleans.sln first.");
        }
        throw new InvalidOperationException($"{dll} is not in {AppContext.BaseDirectory} and no Orleans.sln lies above it.");
    }
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
