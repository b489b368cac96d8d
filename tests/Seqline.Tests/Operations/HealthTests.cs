using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Operations;

/// <summary>
/// <c>/health/live</c> answers while the process does; <c>/health/ready</c> only while the silo is
/// active and the store answers a read, so an orchestrator sends traffic only where it can be served.
/// </summary>
public sealed class HealthTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ready_answers_503_while_the_store_fails_and_200_once_it_answers_again()
    {
        using var data = new TempDirectory();
        CountingTimelineStore? store = null;
        await using var node = await SeqlineServer.StartNode(data.Path,
            services => CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Conversations, created => store = created));
        using var http = node.Http();
        await AssertAnswer(http, "health/ready", HttpStatusCode.OK, "Healthy");

        store!.AfterHead = _ => throw new IOException("The disk is gone.");
        await AssertAnswer(http, "health/ready", HttpStatusCode.ServiceUnavailable, "Unhealthy");
        await AssertAnswer(http, "health/live", HttpStatusCode.OK, "Healthy");

        store.AfterHead = null;
        await AssertAnswer(http, "health/ready", HttpStatusCode.OK, "Healthy");
    }

    [Fact]
    public async Task Ready_answers_503_as_soon_as_the_silo_begins_to_shut_down()
    {
        using var data = new TempDirectory();
        var hold = new StageHold(ServiceLifecycleStage.ApplicationServices, onStart: false);
        await using var node = await SeqlineServer.StartNode(data.Path, services => services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(hold));
        using var http = node.Http();
        await AssertAnswer(http, "health/ready", HttpStatusCode.OK, "Healthy");

        var stopping = node.Services.GetRequiredService<Orleans.Runtime.Silo>().StopAsync(CancellationToken.None);
        try
        {
            // Held below the stage where the silo leaves the cluster: it is shutting down, not yet gone.
            await hold.Reached.WaitAsync(Bound);
            await AssertAnswer(http, "health/ready", HttpStatusCode.ServiceUnavailable, "Unhealthy");
            await AssertAnswer(http, "health/live", HttpStatusCode.OK, "Healthy");
        }
        finally
        {
            hold.Release();
        }
        await stopping.WaitAsync(Bound);
    }

    [Fact]
    public async Task Ready_never_answers_200_while_the_silo_is_starting()
    {
        using var data = new TempDirectory();
        var hold = new StageHold(ServiceLifecycleStage.ApplicationServices, onStart: true);
        var port = LoopbackPorts.One();
        var starting = SeqlineServer.StartNode(data.Path, services => services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(hold),
            new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await hold.Reached.WaitAsync(Bound);
            HttpStatusCode? answer = null;
            try
            {
                answer = (await http.GetAsync("health/ready")).StatusCode;
            }
            catch (HttpRequestException)
            {
                // Not listening yet, which an orchestrator takes as not ready too.
            }
            Assert.NotEqual(HttpStatusCode.OK, answer);
        }
        finally
        {
            hold.Release();
        }
        await using var node = await starting.WaitAsync(Bound);
        await AssertAnswer(http, "health/ready", HttpStatusCode.OK, "Healthy");
    }

    private static async Task AssertAnswer(HttpClient http, string path, HttpStatusCode status, string body)
    {
        var response = await http.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Holds the silo's start or stop at one lifecycle stage until released.</summary>
    private sealed class StageHold(int stage, bool onStart) : ILifecycleParticipant<ISiloLifecycle>
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe("test-stage-hold", stage, onStart ? Hold : _ => Task.CompletedTask, onStart ? _ => Task.CompletedTask : Hold);

        private Task Hold(CancellationToken cancellationToken)
        {
            _reached.TrySetResult();
            return _released.Task;
        }
    }
}
