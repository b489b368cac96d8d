using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Push;

namespace Seqline.Tests.Fixtures;

/// <summary>Waits for the push path to be in place, so that a test's pushes are not lost to its own start.</summary>
public static class PushWaits
{
    // SignalR completes a client's start before the server's OnConnectedAsync has subscribed it.
    public static Task Subscribed(SeqlineServer server, params string[] users) =>
        Eventually.True(() => Task.FromResult(users.All(server.Services.GetRequiredService<PushBridge>().ConnectedUsers.Contains)),
            TimeSpan.FromSeconds(60), "the edge node to subscribe to the users' inboxes");

    // Every connection first gets an empty push at the head; count from after it.
    public static Task HeardHello(params ClientDevice[] devices) =>
        Eventually.True(() => Task.FromResult(devices.All(d => d.Client.PushesApplied + d.Client.PushesIgnored >= 1 && d.Client.Cursor is not null)),
            TimeSpan.FromSeconds(60), "the connection's first push");
}
