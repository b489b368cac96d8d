using System.Diagnostics;
using System.Globalization;

namespace Seqline.Testing;

/// <summary>
/// One Azurite service (table or queue) as its own process, in memory, on a free loopback port. Azurite
/// comes from the repository's node_modules (package.json pins it), so nothing needs the network.
/// </summary>
public sealed class AzuriteService : IAsyncDisposable
{
    // Azurite's built-in development account; the key is public and only works against the emulator.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly ChildProcess _process;

    private AzuriteService(ChildProcess process, string service, int port, string scheme)
    {
        _process = process;
        Service = service;
        Port = port;
        Endpoint = new Uri($"{scheme}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/{AccountName}");
    }

    /// <summary><c>table</c> or <c>queue</c>.</summary>
    public string Service { get; }

    public int Port { get; }
    public int Pid => _process.Pid;

    /// <summary>The service's URL for the development account (path-style, as Azurite serves it).</summary>
    public Uri Endpoint { get; }

    /// <summary>
    /// Starts <paramref name="service"/> (<c>table</c> or <c>queue</c>); <paramref name="options"/> are
    /// further Azurite options, such as <c>--cert</c>, <c>--key</c> and <c>--oauth basic</c> for HTTPS
    /// with bearer tokens.
    /// </summary>
    public static async Task<AzuriteService> StartAsync(string service, IReadOnlyList<string>? options = null)
    {
        var root = RepoPaths.Root();
        var main = Path.Combine(root, "node_modules", "azurite", "dist", "src", service, "main.js");
        if (!File.Exists(main))
            throw new InvalidOperationException($"Azurite is not installed ({main} is missing). Run `npm ci` at the repository root ({root}).");

        var port = LoopbackPorts.One();
        var start = new ProcessStartInfo("node") { WorkingDirectory = root };
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

        var process = ChildProcess.Start($"azurite {service}", start);
        try
        {
            await process.WaitUntilListeningAsync(port, StartTimeout);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return new AzuriteService(process, service, port, options?.Contains("--cert") == true ? "https" : "http");
    }

    /// <summary>The development account's connection string to <paramref name="services"/> (each names its endpoint).</summary>
    public static string ConnectionString(params IEnumerable<AzuriteService> services) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        string.Concat(services.Select(s => $"{char.ToUpperInvariant(s.Service[0])}{s.Service[1..]}Endpoint={s.Endpoint};"));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
