using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
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

        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "one")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "two")).StatusCode);
        var limited = await alice.Send(id, "three");
        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        await using var hub = await TestHub.Connect(server, alice.Token);
        await TestHub.AssertRefused(() => hub.InvokeAsync<object>("SendMessage", id, "hub-1", "four"), "rate_limited");

        Assert.Equal([1L, 2L], await alice.HistorySeqs(id));
    }

    public void Dispose() => _data.Dispose();
}
