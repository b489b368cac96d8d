using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// Each role of the inbox is reachable on its own through <c>GetGrain&lt;Role&gt;</c> (from a
/// client, as another .NET service would through the gateway): Orleans finds the one grain class
/// that implements it, so conversations ask for <see cref="IInboxDelivery"/>, the push edge for
/// <see cref="IInboxPush"/> and devices for <see cref="IInboxOwner"/>, and each reaches the same
/// inbox as <see cref="IInboxGrain"/>.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class InboxRoleTests(MemoryCluster cluster)
{
    [Fact]
    public async Task Each_role_interface_reaches_the_users_one_inbox()
    {
        var (user, conversation) = (Ids.User("roles"), Ids.Conversation());
        var delivery = cluster.Grains.GetGrain<IInboxDelivery>(user);
        var owner = cluster.Grains.GetGrain<IInboxOwner>(user);
        var push = cluster.Grains.GetGrain<IInboxPush>(user);
        Assert.Equal(cluster.Grains.GetGrain<IInboxGrain>(user).GetGrainId(), delivery.GetGrainId());

        var recorder = new InboxPushRecorder();
        var observer = cluster.Grains.CreateObjectReference<IInboxObserver>(recorder);
        Assert.NotEmpty(await push.Subscribe(observer));
        Assert.Equal(1, await push.CountObservers());
        Assert.Equal(0, await push.CountLiveFollows());

        var reference = new ConversationRef(conversation, ConversationKind.Group, "roles", FanoutMode.Write);
        await delivery.Join(reference);
        await delivery.Deliver(new InboxDelivery(reference with { NextSeq = 3 }, [
            new ChatMessage(conversation, 1, "other", "m1", DateTimeOffset.UnixEpoch, "one"),
            new ChatMessage(conversation, 2, "other", "m2", DateTimeOffset.UnixEpoch, "two"),
        ]));
        await delivery.Mentioned(conversation, [2]);
        await delivery.Wrote(conversation, 1);

        var listed = Assert.Single(await owner.GetConversations());
        Assert.Equal((2L, 1L), (listed.LastSeq, listed.ReadSeq));
        Assert.Equal(2, (await owner.MarkRead(conversation, 2)).ReadSeq);
        await owner.Hide(conversation, 1);
        Assert.Equal([1L], (await owner.GetHidden(conversation)).Hidden);
        await owner.Clear(conversation, 2);
        var page = await owner.Sync(null, 10);
        Assert.True(page.Reset);

        await delivery.Leave(conversation, 2);
        Assert.Empty(await owner.GetConversations());
        await Eventually.True(() => Task.FromResult(recorder.MessageSeqs(conversation).Count == 2), TimeSpan.FromSeconds(30), "the pushes of both messages");
        await push.Unsubscribe(observer);
        Assert.Equal(0, await push.CountObservers());
    }
}
