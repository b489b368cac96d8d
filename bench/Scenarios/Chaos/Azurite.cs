using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Chaos;

/// <summary>
/// Azurite's Table service from the repository's node_modules (package.json pins it), in memory, on a free
/// loopback port; the same way the test suite starts it.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    // Azurite's built-in development account; the key is public and only works against the emulator.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ChildProcess _process;

    private Azurite(ChildProcess process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }
    public int Pid => _process.Pid;

    public static async Task<Azurite> StartAsync()
    {
        var root = RepoPaths.Root();
        var main = Path.Combine(root, "node_modules", "azurite", "dist", "src", "table", "main.js");
        if (!File.Exists(main)) throw new InvalidOperationException($"Azurite is not installed ({main} is missing): run `npm ci` in {root}.");
        var port = LoopbackPorts.One();
        var start = new ProcessStartInfo("node") { WorkingDirectory = root };
        foreach (var arg in new[]
                 {
                     main, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent",
                     "--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }
        var process = ChildProcess.Start("azurite", start, null, null);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw process.Failure($"Azurite exited with code {process.ExitCode} before listening.");
            try
            {
                using var probe = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await probe.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                break;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    var failure = process.Failure($"Azurite did not listen on port {port} within 30 s.");
                    await process.DisposeAsync();
                    throw failure;
                }
                await Task.Delay(100);
            }
        }
        return new Azurite(process, $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AccountName};");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
