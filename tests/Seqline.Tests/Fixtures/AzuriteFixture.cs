using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// Azurite's Table and Queue services, in memory on free loopback ports, shared by the tests that
/// need Azure Storage. Azurite comes from the repo's package.json, so the tests need no network.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly List<AzuriteService> _services = [];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var table = await AzuriteService.StartAsync("table");
        _services.Add(table);
        var queue = await AzuriteService.StartAsync("queue");
        _services.Add(queue);
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteService.AccountName};AccountKey={AzuriteService.AccountKey};" +
            $"TableEndpoint={table.Endpoint};QueueEndpoint={queue.Endpoint};";
    }

    public async Task DisposeAsync()
    {
        foreach (var service in _services) await service.DisposeAsync();
    }
}

/// <summary>One Azurite service (table or queue) as its own process, in memory, on a free loopback port.</summary>
public sealed class AzuriteService : IAsyncDisposable
{
    // Azurite's built-in development account; the key is public and only works against the emulator.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AzuriteService(Process process, int port, string scheme)
    {
        _process = process;
        Port = port;
        Endpoint = new Uri($"{scheme}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName}");
    }

    public int Port { get; }

    /// <summary>The service's URL for the development account (path-style, as Azurite serves it).</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Starts <paramref name="service"/> (<c>table</c> or <c>queue</c>); <paramref name="options"/> are
    /// further Azurite options, such as <c>--cert</c>, <c>--key</c> and <c>--oauth basic</c> for HTTPS
    /// with bearer tokens.
    /// </summary>
    public static async Task<AzuriteService> StartAsync(string service, IReadOnlyList<string>? options = null)
    {
        var root = RepoRoot.Path;
        var main = Path.Combine(root, "node_modules", "azurite", "dist", "src", service, "main.js");
        if (!File.Exists(main))
            throw new InvalidOperationException($"Azurite is not installed ({main} is missing). Run `npm ci` at the repository root ({root}).");

        var port = FreePort.Next();
        var start = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        // --location must not be combined with --inMemoryPersistence: Azurite exits if it is.
        // --disableTelemetry: Azurite otherwise reports usage over the network, which tests must not use.
        // --silent: the per-request access log would only bury a startup failure in the captured output.
        foreach (var arg in new[]
                 {
                     main, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
                     $"--{service}Host", "127.0.0.1", $"--{service}Port", port.ToString(CultureInfo.InvariantCulture),
                 }.Concat(options ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        var azurite = new AzuriteService(new Process { StartInfo = start }, port, options?.Contains("--cert") == true ? "https" : "http");
        azurite._process.OutputDataReceived += (_, e) => azurite.Capture(e.Data);
        azurite._process.ErrorDataReceived += (_, e) => azurite.Capture(e.Data);
        azurite._process.Start();
        azurite._process.BeginOutputReadLine();
        azurite._process.BeginErrorReadLine();
        try
        {
            await azurite.WaitUntilListeningAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited) throw StartFailure($"Azurite exited with code {_process.ExitCode} before listening on port {Port}.");
            try
            {
                using var probe = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await probe.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }
        throw StartFailure($"Azurite did not listen on port {Port} within {StartTimeout.TotalSeconds:0} s.");
    }

    private InvalidOperationException StartFailure(string message)
    {
        string output;
        lock (_output) output = _output.ToString();
        return new InvalidOperationException($"{message} Azurite's output:{Environment.NewLine}{output}");
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}

/// <summary>Test classes in this collection share one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
