using System.Diagnostics;

namespace Seqline.Bench.Infrastructure;

/// <summary>
/// A child process with its output captured line by line (the last lines are kept for error messages)
/// and its standard input open for commands. <see cref="Kill"/> is a SIGKILL of the process alone.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 400;
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

    public string Tail
    {
        get { lock (_tail) return string.Join(Environment.NewLine, _tail); }
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args…</c> with the given environment additions.</summary>
    public static ChildProcess StartDotnet(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Start(name, start, environment, onLine);
    }

    public static ChildProcess Start(string name, ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment, Action<string>? onLine)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        // The bench's own environment must not decide the child's URLs or environment.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS",
                     "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTPS_PORTS", "HTTPS_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var child = new ChildProcess(new Process { StartInfo = start }, name, onLine);
        child._process.OutputDataReceived += (_, e) => child.Capture(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Capture(e.Data);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
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

    /// <summary>SIGKILL (no shutdown of any kind), then waits until the process is gone.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) throw Failure($"{Name} (pid {Pid}) did not exit within 30 s of SIGKILL.");
        _process.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan within) => _process.WaitForExitAsync().WaitAsync(within);

    public InvalidOperationException Failure(string message) =>
        new($"{message}{Environment.NewLine}--- last output of {Name} ---{Environment.NewLine}{Tail}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Never started, already reaped, or stuck: nothing more to do from here.
        }
        finally
        {
            _process.Dispose();
        }
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
