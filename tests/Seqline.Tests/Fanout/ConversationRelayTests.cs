using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Fanout;

/// <summary>
/// Inboxes of members with a device online follow a read-fan-out conversation's relay, in the
/// relay's memory: connecting and disconnecting write nothing, however many are online; a follow
/// left behind ends at the next batch; a relay that was lost learns its followers again at their
/// next renewal, and their devices get what went by meanwhile.
/// </summary>
public sealed class ConversationRelayTests : IDisposable
{
    private static readonly Dictionary<string, string?> ReadFanoutAboveThree = new()
    {
        ["Seqline:Fanout:ReadFanoutAbove"] = "3",
        ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "2",
    };

    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Members_connecting_and_disconnecting_write_nothing_to_storage_however_many_are_online()
    {
        await using var node = await new EmbeddedNode(_data.Path, settings: ReadFanoutAboveThree).Start();
        var (owner, id) = (Ids.User("own"), Ids.Conversation());
        var members = Enumerable.Range(0, 60).Select(i => Ids.User($"m{i}")).ToList();
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(owner, members, null, ConversationKind.Group))).Fanout);
        foreach (var member in members)
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(member).GetConversations()).Count == 1, TimeSpan.FromSeconds(60), $"{member}'s join");
        var devices = members.ToDictionary(m => m, _ => new InboxPushRecorder());
        var observers = members.ToDictionary(m => m, m => node.Grains.CreateObjectReference<IInboxObserver>(devices[m]));
        // One member online while the first message goes by, so the stream and its relay are in place.
        await node.Grains.GetGrain<IInboxGrain>(members[0]).Subscribe(observers[members[0]]);
        await conversation.Send(new OutgoingMessage(owner, "m-1", "hello"));
        await Eventually.True(() => Task.FromResult(devices[members[0]].MessageSeqs(id).Count == 1), TimeSpan.FromSeconds(60), "the first push");
        var before = await PubSubWrites(node);

        foreach (var member in members.Skip(1)) await node.Grains.GetGrain<IInboxGrain>(member).Subscribe(observers[member]);
        var relay = node.Grains.GetGrain<IConversationRelay>(id);
        Assert.Equal(members.Count, await relay.CountFollowers());
        await conversation.Send(new OutgoingMessage(owner, "m-2", "to everyone online"));
        foreach (var member in members)
            await Eventually.True(() => Task.FromResult(devices[member].MessageSeqs(id).Contains(2)), TimeSpan.FromSeconds(60), $"the push to {member}");
        Assert.All(members, m => Assert.Equal(m == members[0] ? [1L, 2L] : [2L], devices[m].MessageSeqs(id)));

        foreach (var member in members) await node.Grains.GetGrain<IInboxGrain>(member).Unsubscribe(observers[member]);
        Assert.Equal(0, await relay.CountFollowers());
        // Sixty connects and disconnects: pub-sub stored nothing for them (it once rewrote a row
        // holding every online member's subscription on each one).
        Assert.Equal(before, await PubSubWrites(node));
    }

    [Fact]
    public async Task A_follow_left_behind_ends_at_the_next_batch_and_pushes_nothing()
    {
        await using var node = await new EmbeddedNode(_data.Path, settings: ReadFanoutAboveThree).Start();
        var (ann, dan, id, conversation) = await GroupOfFive(node);
        var dans = node.Grains.GetGrain<IInboxGrain>(dan);
        var device = new InboxPushRecorder();
        await dans.Subscribe(node.Grains.CreateObjectReference<IInboxObserver>(device));
        await conversation.ChangeMembers(new MembershipChange(ann, [], [dan]));
        await Eventually.True(async () => (await dans.GetConversations()).Count == 0, TimeSpan.FromSeconds(30), "dan's inbox to learn he left");
        var relay = node.Grains.GetGrain<IConversationRelay>(id);
        Assert.False(await relay.IsFollowedBy(dan));

        // What a crash between the left event and the unfollow leaves behind.
        await relay.Follow(dan);
        await conversation.Send(new OutgoingMessage(ann, "a1", "is anyone there"));

        await Eventually.True(async () => !await relay.IsFollowedBy(dan), TimeSpan.FromSeconds(30), "the follow to end");
        Assert.Empty(device.MessageSeqs(id));
        Assert.Equal(0, await dans.CountLiveFollows());
    }

    [Fact]
    public async Task A_lost_relay_learns_its_followers_at_their_renewal_and_their_devices_get_what_went_by()
    {
        await using var node = await new EmbeddedNode(_data.Path, settings: ReadFanoutAboveThree).Start();
        var (ann, bob, id, conversation) = await GroupOfFive(node);
        var bobs = node.Grains.GetGrain<IInboxGrain>(bob);
        var device = new InboxPushRecorder();
        var observer = node.Grains.CreateObjectReference<IInboxObserver>(device);
        await bobs.Subscribe(observer);
        await conversation.Send(new OutgoingMessage(ann, "a1", "before"));
        await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count == 1), TimeSpan.FromSeconds(30), "the first push");

        // The relay goes (as with its silo), and a message goes by while it knows nobody.
        var relay = node.Grains.GetGrain<IConversationRelay>(id);
        await relay.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => await relay.CountFollowers() == 0, TimeSpan.FromSeconds(30), "a new relay activation");
        await conversation.Send(new OutgoingMessage(ann, "a2", "while the relay was away"));

        // The edge renews its registration: the follow is renewed, and what went by is pushed.
        await bobs.Subscribe(observer);
        Assert.True(await relay.IsFollowedBy(bob));
        await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count == 2), TimeSpan.FromSeconds(30), "the push of what went by");
        await conversation.Send(new OutgoingMessage(ann, "a3", "after"));
        await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count == 3), TimeSpan.FromSeconds(30), "the next push");
        Assert.Equal([1L, 2L, 3L], device.MessageSeqs(id));
    }

    // A read-fan-out group of five, created by its owner; the member returned knows of it.
    private static async Task<(string Owner, string Member, string Id, IConversationGrain Conversation)> GroupOfFive(EmbeddedNode node)
    {
        var (owner, member, id) = (Ids.User("ann"), Ids.User("dan"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var others = new[] { Ids.User("bob"), Ids.User("cid"), member, Ids.User("eve") };
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(owner, others, null, ConversationKind.Group))).Fanout);
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(member).GetConversations()).Count == 1,
            TimeSpan.FromSeconds(30), $"{member}'s join");
        return (owner, member, id, conversation);
    }

    // Writes of pub-sub's grain state, as row versions (each write of a row bumps its version).
    private static async Task<long> PubSubWrites(EmbeddedNode node)
    {
        await using var connection = node.Services.GetRequiredService<SqliteDatabase>().OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(version), 0) FROM grain_state WHERE grain_id LIKE 'pubsubrendezvous%'";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose() => _data.Dispose();
}
