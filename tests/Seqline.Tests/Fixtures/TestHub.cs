using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Seqline.Tests.Fixtures;

/// <summary>A plain SignalR connection to the hub, for tests that look at the wire rather than the client library.</summary>
public static class TestHub
{
    public static async Task<HubConnection> Connect(SeqlineServer server, string token)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/sync"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await hub.StartAsync();
        return hub;
    }

    /// <summary>
    /// Connects as <paramref name="userId"/> with the handlers <paramref name="on"/> sets up, and returns
    /// once the hub's first push says the node registered with the user's inbox.
    /// </summary>
    public static async Task<HubConnection> ConnectRegistered(SeqlineServer server, string userId, Action<HubConnection> on)
    {
        var token = await server.Token(userId);
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/sync"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        on(hub);
        hub.On<object>("events", _ => registered.TrySetResult());
        await hub.StartAsync();
        await registered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return hub;
    }

    /// <summary>Every event pushed to the connection from now on, as the wire has it.</summary>
    public static ConcurrentQueue<JsonElement> RecordEvents(HubConnection hub)
    {
        var pushed = new ConcurrentQueue<JsonElement>();
        hub.On<JsonElement>("events", push =>
        {
            foreach (var e in push.GetProperty("events").EnumerateArray()) pushed.Enqueue(e.Clone());
        });
        return pushed;
    }

    /// <summary>
    /// Asserts a hub call is refused with the protocol error code. SignalR prefixes every hub error with
    /// its own sentence; the code follows "HubException: ".
    /// </summary>
    public static async Task AssertRefused(Func<Task> call, string code, string what = "")
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        Assert.True(error.Message.Contains($"HubException: {code}: ", StringComparison.Ordinal), $"{what}: expected {code}, got: {error.Message}");
    }
}
