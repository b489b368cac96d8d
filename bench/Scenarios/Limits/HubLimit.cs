using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Bench.Infrastructure;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.Limits;

/// <summary>
/// Raw SignalR pushes: a hub without grains floods its connections; the clients (in the bench's process,
/// like the e2e devices) deserialize each message into the client library's <see cref="PushBatch"/> and count it.
/// </summary>
public static class HubLimit
{
    public static async Task<HubLimitResult> MeasureAsync(LimitsOptions options, IPhase phase)
    {
        await using IRawHubHost server = options.HubInChildProcess ? await RawHubProcess.StartAsync() : await RawHubServer.StartAsync();
        long received = 0;
        var connections = new List<HubConnection>();
        try
        {
            phase.Describe($"connecting {options.HubConnections}");
            using var gate = new SemaphoreSlim(32);
            var connecting = Enumerable.Range(0, options.HubConnections).Select(async _ =>
            {
                var connection = new HubConnectionBuilder().WithUrl(server.Url).AddJsonProtocol().Build();
                connection.On<PushBatch>("events", batch =>
                {
                    if (batch.Events.Count > 0) Interlocked.Increment(ref received);
                });
                lock (connections) connections.Add(connection);
                await gate.WaitAsync();
                try
                {
                    await connection.StartAsync();
                }
                finally
                {
                    gate.Release();
                }
            });
            await Task.WhenAll(connecting).WaitAsync(TimeSpan.FromSeconds(120));

            phase.Describe($"{options.HubConnections} connections, {options.HubParallelism} sending loops");
            var meter = new ProcessMeter(server.Pid);
            var flooding = connections[0].InvokeAsync<long>("Flood", (options.Warmup + options.Duration).TotalSeconds + 0.5, options.HubParallelism);
            meter.Restart();
            var (count, seconds) = await Windowed.MeasureAsync(() => Interlocked.Read(ref received), options.Warmup, options.Duration, phase);
            var use = meter.Stop();
            var sent = await flooding.WaitAsync(TimeSpan.FromSeconds(120));
            return new HubLimitResult(count / seconds, options.HubConnections, sent, options.HubInChildProcess ? use.CpuPercentOfCore : null);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

/// <summary>Raw SignalR pushes received per second by the clients.</summary>
/// <param name="ServerCpuPercentOfCore">The hub process's CPU while flooding, when it ran in a process of its own.</param>
public sealed record HubLimitResult(double PushesPerSecond, int Connections, long Sent, double? ServerCpuPercentOfCore);
