using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Limits;

/// <summary>A grain that does nothing: the cost of a grain call and nothing else.</summary>
[Alias("Seqline.Bench.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<long> Ping(long value);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<long> Ping(long value) => Task.FromResult(value);
}

/// <summary>
/// Raw Orleans grain calls: a silo in this process (localhost clustering on free loopback ports), called
/// from the silo's own <see cref="IGrainFactory"/>, as the co-hosted edge calls the Seqline grains.
/// </summary>
public static class GrainLimit
{
    public static async Task<GrainLimitResult> MeasureAsync(LimitsOptions options, IPhase phase)
    {
        var ports = LoopbackPorts.Take(2);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(ports[0], ports[1], serviceId: "bench-ping", clusterId: "bench-ping"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            // Activate every grain first: activation is not what is measured.
            await Task.WhenAll(Enumerable.Range(0, options.GrainKeys).Select(k => grains.GetGrain<IPingGrain>(k).Ping(0)));

            long calls = 0;
            var latency = new Latency();
            using var stop = new CancellationTokenSource();
            phase.Describe($"{options.GrainConcurrency} callers over {options.GrainKeys} grains");
            var callers = Enumerable.Range(0, options.GrainConcurrency).Select(c => Task.Run(async () =>
            {
                var random = new Random(c);
                while (!stop.IsCancellationRequested)
                {
                    var start = Clock.Now;
                    await grains.GetGrain<IPingGrain>(random.Next(options.GrainKeys)).Ping(c);
                    latency.RecordSince(start);
                    Interlocked.Increment(ref calls);
                }
            })).ToList();
            try
            {
                var (count, seconds) = await Windowed.MeasureAsync(() => Interlocked.Read(ref calls), options.Warmup, options.Duration, phase);
                return new GrainLimitResult(count / seconds, options.GrainConcurrency, options.GrainKeys, latency.Summary());
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await host.StopAsync(timeout.Token);
        }
    }
}

/// <summary>Raw grain calls per second, and their latency (warm-up included).</summary>
public sealed record GrainLimitResult(double CallsPerSecond, int Concurrency, int Grains, LatencySummary Latency);
