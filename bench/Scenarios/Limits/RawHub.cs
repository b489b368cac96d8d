using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Limits;

/// <summary>
/// A SignalR hub with no grains behind it: <see cref="Flood"/> sends <c>events</c> messages shaped like
/// Seqline's pushes (one message event, two cursors) to every connection, as fast as the transport takes them.
/// </summary>
public sealed class RawHub(RawConnections connections, IHubContext<RawHub> hub) : Hub
{
    public override Task OnConnectedAsync()
    {
        connections.Ids.TryAdd(Context.ConnectionId, 0);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Ids.TryRemove(Context.ConnectionId, out _);
        return Task.CompletedTask;
    }

    /// <summary>Pushes to all connections for <paramref name="seconds"/> from <paramref name="parallelism"/> loops; returns how many were sent.</summary>
    public async Task<long> Flood(double seconds, int parallelism)
    {
        var ids = connections.Ids.Keys.ToArray();
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long sent = 0;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(p => Task.Run(async () =>
        {
            var mine = ids.Where((_, i) => i % parallelism == p).ToArray();
            long count = 0;
            for (var seq = 1L; mine.Length > 0 && Stopwatch.GetTimestamp() < until; seq++)
            {
                foreach (var id in mine)
                {
                    await hub.Clients.Client(id).SendAsync("events", RawPush.Create(seq));
                    count++;
                }
            }
            Interlocked.Add(ref sent, count);
        })));
        return sent;
    }
}

public sealed class RawConnections
{
    public ConcurrentDictionary<string, byte> Ids { get; } = new();
}

/// <summary>What a Seqline push of one message looks like on the wire.</summary>
internal static class RawPush
{
    private const string Cursor = "AQAAAAAAAAAB7u7u7u7u7u4AAAAAAAAAKnUwMDAwMXN0cmluZy1vZi1hLXVzZXItaWQtSE1BQy1zaWduYXR1cmU";
    private static readonly string Body = new('x', 100);

    public static object Create(long seq) => new
    {
        events = new[]
        {
            new
            {
                type = "message",
                conversationId = "dm-0123456789abcdef0123456789abcdef01234567",
                seq,
                senderId = "u00001",
                clientMsgId = "0123456789abcdef0123456789abcdef",
                sentAt = DateTimeOffset.UnixEpoch,
                body = Body,
            },
        },
        prevCursor = Cursor,
        cursor = Cursor,
    };
}

/// <summary>Where the raw hub runs: in this process or in a child process of its own.</summary>
public interface IRawHubHost : IAsyncDisposable
{
    Uri Url { get; }
    int Pid { get; }
}

/// <summary>The raw hub on Kestrel at 127.0.0.1 with a free port.</summary>
public sealed class RawHubServer : IRawHubHost
{
    private readonly WebApplication _app;

    private RawHubServer(WebApplication app)
    {
        _app = app;
        Url = new Uri(ServerAddress.Of(app), "hubs/raw");
    }

    public Uri Url { get; }
    public int Pid => Environment.ProcessId;

    public static async Task<RawHubServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton<RawConnections>();
        builder.Services.AddSignalR().AddJsonProtocol(o =>
        {
            o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        var app = builder.Build();
        app.MapHub<RawHub>("/hubs/raw");
        await app.StartAsync();
        return new RawHubServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Bounded stop.
        }
        await _app.DisposeAsync();
    }
}

/// <summary>The raw hub in a child process (<c>Seqline.Bench agent raw-hub</c>), so that its CPU is its own.</summary>
public sealed class RawHubProcess : IRawHubHost
{
    private readonly ChildProcess _process;

    private RawHubProcess(ChildProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }
    public int Pid => _process.Pid;

    public static async Task<RawHubProcess> StartAsync()
    {
        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.StartDotnet("raw hub", BenchPaths.BenchDll(), ["agent", "raw-hub", "--max-seconds", "1800"], onLine: line =>
        {
            if (line.StartsWith("URL ", StringComparison.Ordinal)) url.TrySetResult(new Uri(line[4..].Trim()));
        });
        try
        {
            return new RawHubProcess(process, await url.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch (TimeoutException)
        {
            var failure = process.Failure("The raw hub process did not report its URL within 60 s.");
            await process.DisposeAsync();
            throw failure;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.SendLineAsync("STOP");
        try
        {
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Killed below.
        }
        await _process.DisposeAsync();
    }
}
