using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Recovery;

/// <summary>
/// A node killed while users are online loses the relay and the follows it held in memory. A user
/// who comes back follows the new relay and gets the pushes, once; one who stays away is followed
/// by nobody: no follow is left behind, none is held twice.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class RelayCrashTests
{
    private static readonly Dictionary<string, string> GroupsOfThreeOnReadFanout = new()
    {
        ["Seqline__Fanout__ReadFanoutAbove"] = "2",
        ["Seqline__Fanout__WriteFanoutAtOrBelow"] = "1",
    };

    [Fact]
    public async Task Follows_lost_with_a_killed_node_are_made_again_by_who_comes_back()
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
                Assert.Equal(1, await grains.GetGrain<IInboxGrain>(user).CountLiveFollows());
            }
            first.Kill();
        }

        await using var second = await SiloProcess.StartAsync(data.Path, ports, GroupsOfThreeOnReadFanout);
        await using var reconnected = await second.ConnectAsync();
        var cluster = reconnected.Client;
        // Cid comes back online; bea does not.
        var cidsDevice = new InboxPushRecorder();
        await cluster.GetGrain<IInboxGrain>(cid).Subscribe(cluster.CreateObjectReference<IInboxObserver>(cidsDevice));
        Assert.Equal(1, await cluster.GetGrain<IInboxGrain>(cid).CountLiveFollows());

        await cluster.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage(ann, "a1", "after the crash"));

        await Eventually.True(() => Task.FromResult(cidsDevice.MessageSeqs(id).Count == 1), TimeSpan.FromSeconds(30), "the push to cid's returning device");
        await Eventually.True(async () => await cluster.GetGrain<IInboxGrain>(bea).CountLiveFollows() == 0,
            TimeSpan.FromSeconds(30), "nobody to follow for bea, who stays away");
        Assert.Equal(1, await cluster.GetGrain<IInboxGrain>(cid).CountLiveFollows());
    }
}
