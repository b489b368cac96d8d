using System.Text.Json;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Connections;

/// <summary>A share of the devices: in the bench's process, or in an agent process.</summary>
public interface IConnectionClients : IAsyncDisposable
{
    /// <summary>Completes when every device of the share has tried to connect.</summary>
    Task Ready { get; }

    AgentStats Stats();

    Task<AgentReport> ReportAsync();

    int? Pid { get; }
}

public sealed class InProcessClients : IConnectionClients
{
    private readonly ConnectionsAgent _agent;
    private readonly CancellationTokenSource _stop = new();

    public InProcessClients(Uri node, string prefix, int from, int count, int concurrency)
    {
        _agent = new ConnectionsAgent(node, prefix, from, count, concurrency);
        Ready = _agent.ConnectAllAsync(_stop.Token);
    }

    public Task Ready { get; }
    public int? Pid => null;
    public AgentStats Stats() => _agent.Stats();
    public Task<AgentReport> ReportAsync() => Task.FromResult(_agent.Report());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Ready.WaitAsync(TimeSpan.FromSeconds(120));
        await _agent.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary><c>Seqline.Bench agent connections …</c> as a child process, spoken to over its standard input and output.</summary>
public sealed class AgentProcessClients : IConnectionClients
{
    private readonly ChildProcess _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<AgentReport>? _report;
    private AgentStats _stats = new(0, 0, 0, 0, 0);

    public AgentProcessClients(Uri node, string prefix, int from, int count, int concurrency, TimeSpan maxLifetime)
    {
        _process = ChildProcess.StartDotnet($"agent {from}..{from + count - 1}", BenchPaths.BenchDll(),
        [
            "agent", "connections", "--url", node.ToString(), "--prefix", prefix, "--from", from.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--max-seconds", ((int)maxLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ], onLine: OnLine);
    }

    public Task Ready => _ready.Task;
    public int? Pid => _process.Pid;

    public AgentStats Stats() => Volatile.Read(ref _stats);

    public async Task<AgentReport> ReportAsync()
    {
        var report = _report = new TaskCompletionSource<AgentReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _process.SendLineAsync("REPORT");
        try
        {
            return await report.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw _process.Failure($"{_process.Name} did not report within 60 s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.SendLineAsync("STOP");
        try
        {
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            // Killed below.
        }
        await _process.DisposeAsync();
    }

    private void OnLine(string line)
    {
        if (line.StartsWith("STAT ", StringComparison.Ordinal)) Volatile.Write(ref _stats, JsonSerializer.Deserialize<AgentStats>(line[5..])!);
        else if (line == "READY") _ready.TrySetResult();
        else if (line.StartsWith("RESULT ", StringComparison.Ordinal)) _report?.TrySetResult(JsonSerializer.Deserialize<AgentReport>(line[7..])!);
    }
}
