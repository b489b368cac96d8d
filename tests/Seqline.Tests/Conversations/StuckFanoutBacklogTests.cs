using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A fan-out that cannot go on leaves a backlog in the conversation's timeline, not in its memory:
/// an activation holds at most OutboxCapacity messages of it and reads the rest back as room frees.
/// Once the fan-out goes on, every member still gets the whole backlog, once each, in order.
/// </summary>
public sealed class StuckFanoutBacklogTests : IDisposable
{
    private const int Capacity = 50;
    private const int Batch = 10;
    private const int Backlog = 400;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();

    [Fact]
    public async Task An_activation_with_a_stuck_backlog_reads_no_more_of_it_than_its_outbox_holds_and_then_delivers_all_of_it()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seqline:Conversations:OutboxCapacity"] = Capacity.ToString(),
            ["Seqline:Conversations:FanoutBatch"] = Batch.ToString(),
        };
        var (id, alice, bob, carol) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        var members = new[] { alice, bob, carol };
        var cursors = new Dictionary<string, string>();

        var stuck = new HoldingFanoutGate();
        await using (var node = await new EmbeddedNode(_data.Path, s => s.AddSingleton<IFanoutGate>(stuck), settings).Start())
        {
            foreach (var user in members) cursors[user] = (await new TestDevice(node.Grains, user).Connect()).Cursor!;
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(alice, [bob, carol], "backlog", ConversationKind.Group));
            for (var round = 0; round < Backlog / 50; round++)
                await Task.WhenAll(Enumerable.Range(round * 50, 50).Select(i =>
                    conversation.Send(new OutgoingMessage(members[i % 3], $"m{i}", $"message {i}"))));
            await stuck.Reached.Task.WaitAsync(Bound);
            stuck.Fail();
        }

        var gate = new HoldingFanoutGate();
        CountingTimelineStore? timeline = null;
        await using (var node = await new EmbeddedNode(_data.Path, s =>
        {
            s.AddSingleton<IFanoutGate>(gate);
            CountingTimelineStore.CountSqlite(s, TimelineStoreNames.Conversations, store => timeline = store);
        }, settings).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            Assert.Equal(Backlog, (await conversation.Get(alice)).LastSeq);
            await gate.Reached.Task.WaitAsync(Bound);

            // The fan-out has taken its first batch and waits: it read its outbox's worth, not the backlog.
            Assert.InRange(timeline!.RowsRead, Batch, Capacity + Batch);

            gate.Open();
            foreach (var user in members)
            {
                var device = new TestDevice(node.Grains, user, cursors[user]);
                await device.PullUntil(id, Backlog, Bound);
                Assert.Equal(Enumerable.Range(1, Backlog).Select(i => (long)i), device.MessageSeqs(id));
            }
        }
    }

    public void Dispose() => _data.Dispose();
}
