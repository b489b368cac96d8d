using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Bench.Infrastructure;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.Connections;

/// <summary>What a group of connected devices has seen so far.</summary>
public sealed record AgentStats(int Attempted, int Connected, int Failed, long Messages, long Pushes);

/// <summary>An agent's final word: its counters and its latency distribution as (µs, count) buckets.</summary>
public sealed record AgentReport(AgentStats Stats, List<long[]> Buckets);

/// <summary>
/// Holds one device (a <see cref="SeqlineClient"/> with its SignalR connection) for each of a range of users,
/// and times every message it receives against the tick in its body. Runs in the bench's process or in an
/// agent process of its own (each process stays far below the ~20k sockets one process may hold).
/// </summary>
public sealed class ConnectionsAgent(Uri node, string prefix, int from, int count, int concurrency) : IAsyncDisposable
{
    private readonly SocketsHttpHandler _http = Devices.SharedHandler();
    private readonly List<SeqlineClient> _clients = [];
    private readonly Latency _latency = new();
    private int _attempted;
    private int _failed;
    private long _messages;

    public static string UserId(string prefix, int index) => $"{prefix}{index:D5}";

    public async Task ConnectAllAsync(CancellationToken cancellationToken)
    {
        await Devices.ForEachAsync(Enumerable.Range(from, count), concurrency, async i =>
        {
            if (cancellationToken.IsCancellationRequested) return;
            var client = Devices.Create(node, UserId(prefix, i), _http);
            client.MessageReceived += e =>
            {
                if (Bodies.TryParse(e.Body, out _, out _, out var ticks)) _latency.RecordSince(ticks);
                Interlocked.Increment(ref _messages);
                return Task.CompletedTask;
            };
            lock (_clients) _clients.Add(client);
            Interlocked.Increment(ref _attempted);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                await client.ConnectAsync(timeout.Token);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _failed);
            }
        });
    }

    public AgentStats Stats()
    {
        List<SeqlineClient> clients;
        lock (_clients) clients = [.. _clients];
        return new AgentStats(Volatile.Read(ref _attempted), clients.Count(c => c.ConnectionState == HubConnectionState.Connected), Volatile.Read(ref _failed),
            Interlocked.Read(ref _messages), clients.Sum(c => (long)c.PushesApplied + c.PushesIgnored));
    }

    public AgentReport Report() => new(Stats(), _latency.Buckets().Select(b => new[] { b.Value, b.Count }).ToList());

    public async ValueTask DisposeAsync()
    {
        List<SeqlineClient> clients;
        lock (_clients) clients = [.. _clients];
        await Devices.ForEachAsync(clients, 64, c => c.DisposeAsync().AsTask()).WaitAsync(TimeSpan.FromSeconds(120));
        _http.Dispose();
    }

    /// <summary>
    /// The agent process's main loop: connects, then prints <c>STAT {json}</c> every second; answers
    /// <c>REPORT</c> on standard input with <c>RESULT {json}</c>; ends on <c>STOP</c>, end of input, or after <paramref name="maxLifetime"/>.
    /// </summary>
    public static async Task<int> RunProcessAsync(Uri node, string prefix, int from, int count, int concurrency, TimeSpan maxLifetime)
    {
        using var lifetime = new CancellationTokenSource(maxLifetime);
        await using var agent = new ConnectionsAgent(node, prefix, from, count, concurrency);
        var output = Console.Out;
        var write = new SemaphoreSlim(1, 1);
        async Task Say(string line)
        {
            await write.WaitAsync();
            try
            {
                await output.WriteLineAsync(line);
                await output.FlushAsync();
            }
            finally
            {
                write.Release();
            }
        }

        var stats = Task.Run(async () =>
        {
            while (!lifetime.IsCancellationRequested)
            {
                await Say("STAT " + JsonSerializer.Serialize(agent.Stats()));
                try { await Task.Delay(1000, lifetime.Token); }
                catch (OperationCanceledException) { return; }
            }
        });
        // Fresh counters go out just before READY, so that whoever reads READY has them already.
        var connecting = agent.ConnectAllAsync(lifetime.Token).ContinueWith(async _ =>
        {
            await Say("STAT " + JsonSerializer.Serialize(agent.Stats()));
            await Say("READY");
        }, TaskScheduler.Default).Unwrap();

        while (!lifetime.IsCancellationRequested)
        {
            var line = await Console.In.ReadLineAsync(lifetime.Token);
            if (line is null || line == "STOP") break;
            if (line == "REPORT") await Say("RESULT " + JsonSerializer.Serialize(agent.Report()));
        }
        await lifetime.CancelAsync();
        await connecting.WaitAsync(TimeSpan.FromSeconds(120));
        await stats;
        return 0;
    }
}
