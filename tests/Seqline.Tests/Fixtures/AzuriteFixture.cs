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
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // Azurite's built-in development account; the key is public and only works against the emulator.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly StringBuilder _output = new();
    private readonly List<Process> _services = [];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var root = FindRepoRoot();
        var tablePort = await StartService(root, "table");
        var queuePort = await StartService(root, "queue");
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName};";
    }

    // One Azurite service (table or queue) as its own process; returns its port.
    private async Task<int> StartService(string root, string service)
    {
        var main = Path.Combine(root, "node_modules", "azurite", "dist", "src", service, "main.js");
        if (!File.Exists(main))
            throw new InvalidOperationException($"Azurite is not installed ({main} is missing). Run `npm ci` at the repository root ({root}).");

        var port = FreeLoopbackPort();
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
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var azurite = new Process { StartInfo = start };
        azurite.OutputDataReceived += (_, e) => Capture(e.Data);
        azurite.ErrorDataReceived += (_, e) => Capture(e.Data);
        azurite.Start();
        _services.Add(azurite);
        azurite.BeginOutputReadLine();
        azurite.BeginErrorReadLine();
        await WaitUntilListeningAsync(azurite, port);
        return port;
    }

    public async Task DisposeAsync()
    {
        foreach (var azurite in _services)
        {
            try
            {
                if (!azurite.HasExited)
                {
                    azurite.Kill(entireProcessTree: true);
                    await azurite.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            finally
            {
                azurite.Dispose();
            }
        }
    }

    private async Task WaitUntilListeningAsync(Process azurite, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (azurite.HasExited) throw StartFailure($"Azurite exited with code {azurite.ExitCode} before listening on port {port}.");
            try
            {
                using var probe = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await probe.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }
        throw StartFailure($"Azurite did not listen on port {port} within {StartTimeout.TotalSeconds:0} s.");
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

    // The OS hands out a port nobody holds; it is released again for Azurite to bind.
    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds both package.json and Orleans.sln.");
    }
}

/// <summary>Test classes in this collection share one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
