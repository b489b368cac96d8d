using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Inboxes;

/// <summary>A checkpoint of the conversation index that fails is only late: what the timeline holds is still pushed and acted on.</summary>
public sealed class CheckpointFailureTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_failed_checkpoint_still_pushes_the_join_and_the_inbox_follows_the_new_stream()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "2",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
            // Every append checkpoints, so the join's append is followed by one.
            ["Seqline:Sync:CheckpointEvents"] = "1",
        };
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(), settings).Start();
        var (ann, bob, cid, dan, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.User("dan"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bob, cid], null, ConversationKind.Group))).Fanout);
        var dans = new InboxPushRecorder();
        await node.Grains.GetGrain<IInboxGrain>(dan).Subscribe(node.Grains.CreateObjectReference<IInboxObserver>(dans));

        FaultPlan.FailNext("index.change", dan, FaultKind.Before);
        await conversation.ChangeMembers(new MembershipChange(ann, [dan], []));
        await Eventually.True(() => Task.FromResult(dans.Events.Any(e => e.Type == SyncEventTypes.Joined && e.ConversationId == id)),
            TimeSpan.FromSeconds(30), "dan's device to be pushed that he joined");
        Assert.False(FaultPlan.Pending("index.change", dan));
        Assert.Equal(1, await node.Grains.GetGrain<IInboxGrain>(dan).CountLiveFollows());

        await conversation.Send(new OutgoingMessage(ann, "a1", "welcome"));
        await Eventually.True(() => Task.FromResult(dans.MessageSeqs(id).Contains(1)), TimeSpan.FromSeconds(30), "the message pushed from the stream");
    }

    public void Dispose() => _data.Dispose();
}
