using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Tests.Conversations;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Recovery;

/// <summary>
/// The node goes down after messages were acknowledged (durable in the storage timeline) but
/// before they reached any inbox. After a restart the recovery reminder wakes the conversation,
/// which fans the messages out; nobody has to touch the conversation for that.
/// </summary>
public sealed class FanoutCrashRecoveryTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Acknowledged_messages_reach_every_inbox_exactly_once_after_a_restart()
    {
        var (id, alice, bob, carol) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        var members = new[] { alice, bob, carol };
        var closed = new ClosedGate();
        var cursors = new Dictionary<string, string>();

        await using (var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(closed)).Start())
        {
            foreach (var member in members) cursors[member] = (await new TestDevice(node.Grains, member).Connect()).Cursor!;
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(alice, [bob, carol], "crash", ConversationKind.Group));
            var receipts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
                conversation.Send(new OutgoingMessage(members[i % 3], $"m{i}", $"message {i}"))));
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), receipts.Select(r => r.Seq).Order());

            // Acknowledged, but the gate held every fan-out: no inbox has anything yet.
            await closed.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var member in members)
            {
                var device = new TestDevice(node.Grains, member, cursors[member]);
                await device.PullAll();
                Assert.Empty(device.MessageSeqs(id));
            }
        }

        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            foreach (var member in members)
            {
                var device = new TestDevice(node.Grains, member, cursors[member]);
                await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count >= 40; },
                    TimeSpan.FromSeconds(30), $"{member}'s inbox to be complete");
                Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), device.MessageSeqs(id));
                Assert.Equal("message 39", device.Events.Single(e => e.ClientMsgId == "m39").Body);
            }
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_senders_on_the_embedded_node_get_seqs_one_to_n()
    {
        await using var node = await new EmbeddedNode(_data.Path).Start();
        var before = node.ConversationTimelines.EntriesAppended;

        await ConcurrentSends.Run(node.Grains, senders: 200, messagesEach: 2);

        Assert.Equal(400, node.ConversationTimelines.EntriesAppended - before);
    }

    public void Dispose() => _data.Dispose();

    private sealed class ClosedGate : IFanoutGate
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task BeforeFanoutAsync(string conversationId, long fromSeq, long toSeq)
        {
            Reached.TrySetResult();
            return new TaskCompletionSource().Task;
        }
    }
}
