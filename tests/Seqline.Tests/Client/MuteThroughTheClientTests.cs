using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.ClientLibrary;

/// <summary>MuteAsync through the client library, against a real node, as the user's other device sees it.</summary>
public sealed class MuteThroughTheClientTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Muting_shows_in_the_list_and_reaches_the_other_device_and_a_non_member_is_refused()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        var bobToken = await server.Token("bob");
        await using var alice = await ClientDevice.Connect(server, await server.Token("alice"));
        await using var phone = await ClientDevice.Connect(server, bobToken);
        await using var tablet = await ClientDevice.Connect(server, bobToken);
        await using var mallory = await ClientDevice.Connect(server, await server.Token("mallory"));
        var id = (await alice.Client.CreateConversationAsync(["bob"])).ConversationId;

        var refused = await Assert.ThrowsAsync<SeqlineApiException>(() => mallory.Client.MuteAsync(id, true));
        Assert.Equal((404, ErrorCodes.NotFound), (refused.Status, refused.Code));
        Assert.True((await phone.Client.MuteAsync(id, true)).Muted);
        Assert.True((await tablet.Client.GetConversationsAsync()).Single().Muted);
        Assert.False((await alice.Client.GetConversationsAsync()).Single().Muted);

        await Eventually.True(() => Task.FromResult(tablet.Events.Any(e => e.Type == SyncEventTypes.Muted && e.ConversationId == id)), Wait, "the muted event on the tablet");
        Assert.False((await phone.Client.MuteAsync(id, false)).Muted);
        await Eventually.True(() => Task.FromResult(tablet.Events.Any(e => e.Type == SyncEventTypes.Unmuted && e.ConversationId == id)), Wait, "the unmuted event on the tablet");
    }

    public void Dispose() => _data.Dispose();
}
