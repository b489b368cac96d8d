using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>Behaviour that needs a node of its own configuration.</summary>
public sealed class DedicatedNodeTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task The_dev_token_endpoint_is_404_when_development_tokens_are_off()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?> { ["Seqline:Auth:DevTokens"] = "false" });
        using var http = server.Http();
        var response = await http.PostAsJsonAsync("api/dev/token", new { userId = "alice" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/conversations")).StatusCode);
    }

    [Fact]
    public async Task Sending_too_fast_is_429_with_retry_after_on_http_and_the_hub_and_stores_nothing()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:RateLimits:SendsPerSecond"] = "1",
            ["Seqline:RateLimits:SendBurst"] = "2",
        });
        using var alice = await SignIn(server, "alice");
        var id = await alice.CreateGroup("bob");

        // The bucket refills once a second: a slow machine may let a send or two more through, so
        // sends go until one is refused (bounded), and what was refused must be stored nowhere.
        var stored = 0;
        HttpResponseMessage? limited = null;
        for (var i = 0; i < MaxTries && limited is null; i++)
        {
            var response = await alice.Send(id, $"http {i}");
            if (response.StatusCode == HttpStatusCode.Created) stored++;
            else limited = response;
        }
        Assert.True(stored >= 2, "the burst of two goes through");
        Assert.NotNull(limited);
        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        await using var hub = await TestHub.Connect(server, alice.Token);
        HubException? refused = null;
        for (var i = 0; i < MaxTries && refused is null; i++)
        {
            try
            {
                await hub.InvokeAsync<object>("SendMessage", id, $"hub-{i}", "from the hub");
                stored++;
            }
            catch (HubException error)
            {
                refused = error;
            }
        }
        Assert.NotNull(refused);
        Assert.Contains("HubException: rate_limited: ", refused.Message, StringComparison.Ordinal);

        Assert.Equal(Enumerable.Range(1, stored).Select(i => (long)i), await alice.HistorySeqs(id));
    }

    // Far more sends than a bucket of two refilled once a second lets through on any machine.
    private const int MaxTries = 20;

    /// <summary>
    /// The hub runs with detailed errors, so that a call with arguments that do not fit says why
    /// (invalid:); a failure that is not a refusal must still reach the caller as a code alone.
    /// </summary>
    [Fact]
    public async Task A_hub_call_failing_unexpectedly_says_server_error_and_nothing_of_its_internals()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, services => services.Configure<HubOptions>(o => o.AddFilter(new FailingSync())));
        using var alice = await SignIn(server, "alice");
        await using var hub = await TestHub.Connect(server, alice.Token);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("Sync", null, 10));

        Assert.Contains("HubException: server_error: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FailingSync.Internals, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), error.Message, StringComparison.Ordinal);
        // The connection survives, and other calls go on.
        Assert.Equal(HubConnectionState.Connected, hub.State);
        await hub.InvokeAsync<object>("MarkRead", await alice.CreateGroup("bob"), 0L);
    }

    private sealed class FailingSync : IHubFilter
    {
        public const string Internals = "connection string Password=hunter2";

        public ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next) =>
            context.HubMethodName == "Sync" ? throw new InvalidOperationException(Internals) : next(context);
    }

    public void Dispose() => _data.Dispose();
}
