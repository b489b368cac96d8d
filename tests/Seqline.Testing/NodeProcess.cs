using System.Diagnostics;

namespace Seqline.Testing;

/// <summary>
/// The real node, <c>dotnet Seqline.Silo.dll</c>, as a child process configured through environment
/// variables the way an operator would, in the Production environment. <see cref="StartAsync"/> returns
/// once it answers /health/ready; <see cref="Kill"/> is a SIGKILL (no shutdown hooks, no flush, exactly
/// what a crash or an OOM kill does); <see cref="RestartAsync"/> starts it again with the same settings.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly IReadOnlyDictionary<string, string?> _environment;
    private ChildProcess _process;

    private NodeProcess(string name, ChildProcess process, IReadOnlyDictionary<string, string?> environment, string workingDirectory, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _environment = environment;
        WorkingDirectory = workingDirectory;
        BaseAddress = baseAddress;
    }

    public string Name { get; }
    public string WorkingDirectory { get; }

    /// <summary>The node's HTTP address, from its <c>Urls</c> setting.</summary>
    public Uri BaseAddress { get; }

    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the node wrote to stdout and stderr.</summary>
    public string Output => _process.Tail;

    /// <summary>
    /// Starts a node in <paramref name="workingDirectory"/>. <paramref name="settings"/> are environment
    /// variables (<c>Seqline__…</c> options, and <c>Urls</c>, which must name one http address); a null
    /// value removes a variable, as for an operator who never set it.
    /// </summary>
    public static async Task<NodeProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, string workingDirectory)
    {
        Directory.CreateDirectory(workingDirectory);
        var environment = Environment(settings);
        var baseAddress = new Uri((environment.GetValueOrDefault("Urls") ?? throw new ArgumentException("The node needs a Urls setting.", nameof(settings))).TrimEnd('/') + "/");
        var node = new NodeProcess(name, Start(name, environment, workingDirectory), environment, workingDirectory, baseAddress);
        await node.WaitUntilReadyAsync();
        return node;
    }

    /// <summary>
    /// Runs a node that is expected to stop by itself (a refused start) and returns its exit code and
    /// what it wrote; fails if it still runs after <see cref="StartTimeout"/>.
    /// </summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string?> settings, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(RepoPaths.SiloDll());
        return ChildProcess.RunAsync("node", start, StartTimeout, Environment(settings));
    }

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Starts the node again on the same ports and storage; returns once it answers /health/ready.</summary>
    public async Task RestartAsync()
    {
        await _process.DisposeAsync();
        _process = Start(Name, _environment, WorkingDirectory);
        await WaitUntilReadyAsync();
    }

    /// <summary>An exception whose message carries the node's recent output.</summary>
    public InvalidOperationException Failure(string message) => _process.Failure(message);

    /// <summary>Adds a line of the caller's own to the node's kept output.</summary>
    public void Note(string line) => _process.Note(line);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // The node as an operator starts it: Production, its settings in environment variables.
    private static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?> settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            // The node's own appsettings.json (logging levels, synchronous=FULL) sits beside the dll, not
            // in the working directory: point the content root at the dll.
            ["DOTNET_CONTENTROOT"] = Path.GetDirectoryName(RepoPaths.SiloDll())!,
        };
        foreach (var (key, value) in settings) environment[key] = value;
        return environment;
    }

    private static ChildProcess Start(string name, IReadOnlyDictionary<string, string?> environment, string workingDirectory) =>
        ChildProcess.StartDotnet(name, RepoPaths.SiloDll(), [], environment, workingDirectory);

    private async Task WaitUntilReadyAsync()
    {
        try
        {
            await _process.WaitUntilHttpOkAsync(new Uri(BaseAddress, "health/ready"), StartTimeout);
        }
        catch
        {
            await _process.DisposeAsync();
            throw;
        }
    }
}
