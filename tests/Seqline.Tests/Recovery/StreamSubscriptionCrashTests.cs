using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Recovery;

/// <summary>
/// A node killed while a user is online leaves that inbox's stream subscription in pub-sub. The
/// next activation must resume it (Orleans requires it) and end it once it finds nobody listening,
/// or hand it on to a device that comes back: never leave it behind, never hold two.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class StreamSubscriptionCrashTests
{
    private static readonly Dictionary<string, string> GroupsOfThreeOnReadFanout = new()
    {
        ["Seqline__Fanout__ReadFanoutAbove"] = "2",
        ["Seqline__Fanout__WriteFanoutAtOrBelow"] = "1",
    };

    [Fact]
    public async Task A_subscription_left_by_a_killed_node_is_resumed_and_ended_or_reused()
    {
        using var data = new TempDirectory();
        var ports = SiloPorts.Free();
        var (ann, bea, cid, id) = (Ids.User("ann"), Ids.User("bea"), Ids.User("cid"), Ids.Conversation());

        await using (var first = await SiloProcess.StartAsync(data.Path, ports, GroupsOfThreeOnReadFanout))
        await using (var client = await first.ConnectAsync())
        {
            var grains = client.Client;
            var view = await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(ann, [bea, cid, Ids.User("dan")], null, ConversationKind.Group));
            Assert.Equal(FanoutMode.Read, view.Fanout);
            foreach (var user in new[] { bea, cid })
            {
                await Eventually.True(async () => (await grains.GetGrain<IInboxGrain>(user).GetConversations()).Count == 1, TimeSpan.FromSeconds(30), $"{user}'s inbox to know the group");
                await grains.GetGrain<IInboxGrain>(user).Subscribe(grains.CreateObjectReference<IInboxObserver>(new InboxPushRecorder()));
                Assert.Equal(1, await grains.GetGrain<IInboxGrain>(user).CountStreamSubscriptions());
            }
            first.Kill();
        }

        await using var second = await SiloProcess.StartAsync(data.Path, ports, GroupsOfThreeOnReadFanout);
        await using var reconnected = await second.ConnectAsync();
        var cluster = reconnected.Client;
        // Cid comes back online; bea does not.
        var cidsDevice = new InboxPushRecorder();
        await cluster.GetGrain<IInboxGrain>(cid).Subscribe(cluster.CreateObjectReference<IInboxObserver>(cidsDevice));
        Assert.Equal(1, await cluster.GetGrain<IInboxGrain>(cid).CountStreamSubscriptions());

        await cluster.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage(ann, "a1", "after the crash"));

        await Eventually.True(() => Task.FromResult(cidsDevice.MessageSeqs(id).Count == 1), TimeSpan.FromSeconds(30), "the push to cid's returning device");
        await Eventually.True(async () => await cluster.GetGrain<IInboxGrain>(bea).CountStreamSubscriptions() == 0,
            TimeSpan.FromSeconds(30), "bea's orphaned subscription to end at the first message");
        Assert.Equal(1, await cluster.GetGrain<IInboxGrain>(cid).CountStreamSubscriptions());
    }
}
