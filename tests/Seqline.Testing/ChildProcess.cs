using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Seqline.Testing;

/// <summary>
/// A child process with its output captured line by line (the last lines are kept for error messages)
/// and its standard input open for commands. <see cref="Kill"/> is a SIGKILL of the process alone.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 2000;

    /// <summary>The signals <see cref="StopAsync"/> sends for a server's clean shutdown.</summary>
    public const int SigInt = 2, SigTerm = 15;

    // Whatever the parent's environment says about URLs or environments must not decide the child's.
    private static readonly string[] NotInherited =
    [
        "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS",
        "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTPS_PORTS", "HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
    ];

    // Children not disposed yet. A parent that ends without disposing them (a bench or test run
    // stopped with SIGTERM or Ctrl+C, or returning early) kills them as it goes, so that no silo,
    // Azurite or PostgreSQL server is left running; only a SIGKILL of the parent escapes this.
    // Since .NET 10 the runtime no longer turns SIGTERM into ProcessExit, so the signals are
    // watched too; the handlers do not cancel them, and the parent then ends as it would have.
    private static readonly HashSet<ChildProcess> Live = [];
    private static readonly PosixSignalRegistration[] Signals =
        [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, _ => KillLeftOver()))];

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillLeftOver();

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Action<string>? _onLine;

    private ChildProcess(Process process, string name, Action<string>? onLine)
    {
        _process = process;
        Name = name;
        _onLine = onLine;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the child wrote to stdout and stderr.</summary>
    public string Tail
    {
        get { lock (_tail) return string.Join(Environment.NewLine, _tail); }
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args…</c> with the given environment additions.</summary>
    public static ChildProcess StartDotnet(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Start(name, start, environment, onLine);
    }

    /// <summary>
    /// Starts <paramref name="start"/> with its output captured. <paramref name="environment"/> is added to
    /// what the child inherits; a null value removes a variable, as for an operator who never set it.
    /// </summary>
    public static ChildProcess Start(string name, ProcessStartInfo start, IReadOnlyDictionary<string, string?>? environment = null, Action<string>? onLine = null)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        foreach (var inherited in NotInherited) start.Environment.Remove(inherited);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }

        var child = new ChildProcess(new Process { StartInfo = start }, name, onLine);
        child._process.OutputDataReceived += (_, e) => child.Capture(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Capture(e.Data);
        child._process.Start();
        lock (Live) Live.Add(child);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Runs <paramref name="start"/> to its end and returns its exit code and what it wrote; kills it and
    /// fails with its output if it still runs after <paramref name="within"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string name, ProcessStartInfo start, TimeSpan within, IReadOnlyDictionary<string, string?>? environment = null)
    {
        await using var process = Start(name, start, environment);
        try
        {
            await process.WaitForExitAsync(within);
        }
        catch (TimeoutException)
        {
            throw process.Failure($"{name} was expected to stop by itself but still ran after {within.TotalSeconds:0} s.");
        }
        return (process.ExitCode, process.Tail);
    }

    public async Task SendLineAsync(string line)
    {
        if (_process.HasExited) return;
        try
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            // The child is gone; its exit is reported elsewhere.
        }
    }

    /// <summary>
    /// SIGKILL, then waits for the process to be gone. <c>Process.Kill()</c> is <c>kill(pid, SIGKILL)</c>
    /// on Linux, sent at once. <c>Kill(entireProcessTree: true)</c> would first read every process
    /// under /proc looking for descendants, then SIGSTOP and SIGKILL: tens of milliseconds (more when
    /// cold on a busy machine) during which a node goes on serving. A node has no descendants
    /// (the dotnet host runs it in-process), so the plain kill is the same kill, only on time.
    /// </summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) throw Failure($"{Name} (pid {Pid}) did not exit within 30 s of SIGKILL.");
        _process.WaitForExit(); // also drains the redirected output
    }

    /// <summary>Waits for the child to exit and its output to be read; a <see cref="TimeoutException"/> after <paramref name="within"/>.</summary>
    public Task WaitForExitAsync(TimeSpan within) => _process.WaitForExitAsync().WaitAsync(within);

    /// <summary>Polls <paramref name="url"/> until it answers with a success status; fails early if the child exits.</summary>
    public async Task WaitUntilHttpOkAsync(Uri url, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < within)
        {
            if (_process.HasExited) throw ExitedEarly($"before {url} answered");
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw Failure($"{url} did not answer within {within.TotalSeconds:0} s (last: {last}).");
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>; fails early if the child exits.</summary>
    public async Task WaitUntilListeningAsync(int port, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (_process.HasExited) throw ExitedEarly($"before listening on port {port}");
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
        throw Failure($"{Name} did not listen on port {port} within {within.TotalSeconds:0} s.");
    }

    /// <summary>Adds a line of the parent's own to the kept output, to read beside the child's in a failure.</summary>
    public void Note(string line) => Capture(line);

    /// <summary>An exception whose message carries the child's recent output.</summary>
    public InvalidOperationException Failure(string message) =>
        new($"{message}{Environment.NewLine}--- last output of {Name} (pid {SafePid()}) ---{Environment.NewLine}{Tail}");

    /// <summary>
    /// Asks the child to stop with <paramref name="signal"/> (a server's clean shutdown: SIGINT, SIGTERM) and
    /// waits for it at most <paramref name="within"/>; whatever still runs then is for <see cref="DisposeAsync"/> to kill.
    /// </summary>
    public async Task StopAsync(int signal, TimeSpan within)
    {
        if (_process.HasExited) return;
        _ = SendSignal(_process.Id, signal);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            // Disposing kills it outright.
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>Kills the child and what it started, if it still runs, and waits (bounded) for it to go.</summary>
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
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Never started, already reaped, or stuck: nothing more to do from here.
        }
        finally
        {
            lock (Live) Live.Remove(this);
            _process.Dispose();
        }
    }

    private static void KillLeftOver()
    {
        ChildProcess[] left;
        lock (Live) left = [.. Live];
        foreach (var child in left)
        {
            try
            {
                if (!child._process.HasExited) child._process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already, or not ours to kill: the parent is exiting either way.
            }
        }
    }

    private InvalidOperationException ExitedEarly(string when)
    {
        _process.WaitForExit(); // the last lines it wrote
        return Failure($"{Name} exited with code {_process.ExitCode} {when}.");
    }

    private string SafePid()
    {
        try { return _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture); }
        catch (InvalidOperationException) { return "?"; }
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > KeptLines) _tail.Dequeue();
        }
        _onLine?.Invoke(line);
    }
}
