using Microsoft.Extensions.Time.Testing;
using Seqline.Client;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Presence;

namespace Seqline.Tests.Client;

/// <summary>Typing and presence through the client library, against a full node and an edge-only node.</summary>
public sealed class PresenceThroughTheClientTests(PresenceNodes nodes) : IClassFixture<PresenceNodes>
{
    [Fact]
    public async Task Typing_shows_on_the_other_members_device_until_it_expires()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var bobsClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        await using var bobsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(bob), configure: o => o.TimeProvider = bobsClock);
        var heard = new TaskCompletionSource<TypingNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        bobsPhone.Client.TypingReceived += n =>
        {
            heard.TrySetResult(n);
            return Task.CompletedTask;
        };
        var group = await alicesPhone.Client.CreateConversationAsync([bob]);
        await Eventually.True(async () => (await bobsPhone.Client.GetConversationsAsync()).Any(c => c.ConversationId == group.ConversationId), TimeSpan.FromSeconds(60), "bob in the group");

        Assert.True(await alicesPhone.Client.SendTypingAsync(group.ConversationId));
        Assert.False(await alicesPhone.Client.SendTypingAsync(group.ConversationId));
        var notice = await heard.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(new TypingNotice(group.ConversationId, alice, nodes.ExpiresInMs), notice);
        Assert.Equal([alice], bobsPhone.Client.WhoIsTyping(group.ConversationId));
        bobsClock.Advance(TimeSpan.FromMilliseconds(nodes.ExpiresInMs));
        Assert.Empty(bobsPhone.Client.WhoIsTyping(group.ConversationId));
    }

    [Fact]
    public async Task Refusals_arrive_as_api_exceptions_with_their_codes()
    {
        var (alice, bob, mallory) = (Ids.User("alice"), Ids.User("bob"), Ids.User("mallory"));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        await using var mallorysPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(mallory));
        var group = await alicesPhone.Client.CreateConversationAsync([bob]);

        var typing = await Assert.ThrowsAsync<SeqlineApiException>(() => mallorysPhone.Client.SendTypingAsync(group.ConversationId));
        Assert.Equal(("not_found", 404), (typing.Code, typing.Status));
        var presence = await Assert.ThrowsAsync<SeqlineApiException>(() => mallorysPhone.Client.GetPresenceAsync(alice));
        Assert.Equal(("not_found", 404), (presence.Code, presence.Status));
    }

    [Fact]
    public async Task Presence_and_the_hide_setting()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        await using var alicesPhone = await ClientDevice.Connect(nodes.Node, await nodes.Node.Token(alice));
        await using var bobsPhone = await ClientDevice.Connect(nodes.Edge, await nodes.Edge.Token(bob));
        await alicesPhone.Client.CreateConversationAsync([bob]);
        await Eventually.True(async () => (await bobsPhone.Client.GetConversationsAsync()).Count == 1, TimeSpan.FromSeconds(60), "bob in the group");

        Assert.Equal(new UserPresence(bob, true, null, false), await alicesPhone.Client.GetPresenceAsync(bob));

        Assert.Equal(new UserSettings(true), await bobsPhone.Client.SetHidePresenceAsync(true));
        Assert.Equal(new UserSettings(true), await bobsPhone.Client.GetSettingsAsync());
        Assert.Equal(new UserPresence(bob, false, null, true), await alicesPhone.Client.GetPresenceAsync(bob));
        Assert.True((await bobsPhone.Client.GetPresenceAsync(bob)).Online);
    }
}
