using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;
using Seqline.Timelines;

namespace Seqline.Tests.Lifecycle;

/// <summary>A recall cut short by a failure is finished by its retry: the event goes out, and no copy keeps the body.</summary>
public sealed class RecallCrashTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_recall_cut_short_by_a_failed_write_is_finished_by_its_retry()
    {
        // The recovery reminder would wake the conversation again (every 2 s in the fixture) and could
        // do so before the test sees the failed activation gone; here the test's own retry finishes the recall.
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(),
            new Dictionary<string, string?> { ["Seqline:Conversations:FanoutRecoveryPeriod"] = "00:10:00" }).Start();
        var (ann, bob, id) = (Ids.User("ann"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        await conversation.Send(new OutgoingMessage(ann, "a1", "take this back"));
        await Eventually.True(async () => { await bobs.PullAll(); return bobs.MessageSeqs(id).Count == 1; }, TimeSpan.FromSeconds(30), "bob's copy");
        await Eventually.True(async () => (await node.StoredState(id)).FannedOutThrough == 1, TimeSpan.FromSeconds(30), "the fan-out to be recorded");

        // The conversation's next state write (the one that records the recall) fails.
        FaultPlan.FailNext("state.write", id, FaultKind.Before);
        await Assert.ThrowsAnyAsync<Exception>(() => conversation.Recall(ann, 1));
        // The conversation goes before it writes anything more, as it would if its silo crashed.
        try { await conversation.Cast<IGrainManagementExtension>().DeactivateOnIdle(); } catch (SeqlineException) { }
        await Eventually.True(async () => !(await node.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Any(a => a.GrainId == conversation.GetGrainId()),
            TimeSpan.FromSeconds(30), "the conversation to go");

        ChatMessage tombstone = null!;
        await Eventually.True(async () =>
        {
            try { tombstone = await conversation.Recall(ann, 1); return true; }
            catch (Exception) { return false; }
        }, TimeSpan.FromSeconds(30), "the recall's retry");
        Assert.True(tombstone.Recalled);

        await Eventually.True(async () => { await bobs.PullAll(); return bobs.Events.Any(e => e.Type == SyncEventTypes.Recall); },
            TimeSpan.FromSeconds(30), "bob to hear of the recall");
        var copies = await node.InboxTimelines.ReadAfterAsync(bob, 0, 100);
        var copy = copies.Select(MessageCodecForTests.Event).Single(e => e.Type == SyncEventTypes.Message && e.Seq == 1);
        Assert.Equal(("", true), (copy.Body, copy.Recalled == true));
    }

    public void Dispose() => _data.Dispose();
}
