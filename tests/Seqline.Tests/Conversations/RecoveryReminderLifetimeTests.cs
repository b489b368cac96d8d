using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Conversations;

/// <summary>
/// The fan-out recovery reminder exists only while a conversation has fan-out, notices or recalls
/// left to do, and is removed once that work is done; a conversation without it is collected like
/// any idle grain. A reminder left behind would wake the conversation every period and keep it in
/// memory for good.
/// </summary>
public sealed class RecoveryReminderLifetimeTests : IDisposable
{
    // Generous: with the node's 2 s reminder period and these collection settings, it takes seconds.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Once_its_messages_are_in_every_inbox_the_conversation_drops_its_reminder_and_is_collected()
    {
        await using var node = await new EmbeddedNode(_data.Path, s => CollectSoon(s)).Start();
        var (id, alice, bob, carol) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        var devices = new List<TestDevice>();
        foreach (var user in new[] { alice, bob, carol }) devices.Add(await new TestDevice(node.Grains, user).Connect());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(alice, [bob, carol], "idle", ConversationKind.Group));
        for (var i = 0; i < 10; i++) await conversation.Send(new OutgoingMessage(i % 2 == 0 ? alice : bob, $"m{i}", $"message {i}"));
        await AllDelivered(devices, id, 10);
        Assert.True(await Active(node, conversation.GetGrainId()));

        await Eventually.True(async () => await ReminderRows(node, conversation.GetGrainId()) == 0, Bound, "the idle conversation to remove its reminder");
        await Eventually.True(async () => !await Active(node, conversation.GetGrainId()), Bound, "the idle conversation to be collected");
    }

    [Fact]
    public async Task After_a_restart_the_reminder_finishes_the_fan_out_and_then_removes_itself()
    {
        var (id, alice, bob, carol) = (Ids.Conversation(), Ids.User("alice"), Ids.User("bob"), Ids.User("carol"));
        var cursors = new Dictionary<string, string>();
        var gate = new HoldingFanoutGate();
        GrainId grain;

        await using (var node = await new EmbeddedNode(_data.Path, s => { CollectSoon(s); s.AddSingleton<IFanoutGate>(gate); }).Start())
        {
            foreach (var user in new[] { alice, bob, carol }) cursors[user] = (await new TestDevice(node.Grains, user).Connect()).Cursor!;
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            grain = conversation.GetGrainId();
            await conversation.Create(new NewConversation(alice, [bob, carol], "cut short", ConversationKind.Group));
            for (var i = 0; i < 10; i++) await conversation.Send(new OutgoingMessage(alice, $"m{i}", $"message {i}"));
            await gate.Reached.Task.WaitAsync(Bound);
            // Acknowledged and not fanned out: this is the work the reminder is there for.
            Assert.Equal(1, await ReminderRows(node, grain));
            gate.Fail();
        }

        await using (var node = await new EmbeddedNode(_data.Path, s => CollectSoon(s)).Start())
        {
            // Nobody calls the conversation: the reminder wakes it and it delivers what it owes.
            await AllDelivered(cursors.Select(c => new TestDevice(node.Grains, c.Key, c.Value)).ToList(), id, 10);
            await Eventually.True(async () => await ReminderRows(node, grain) == 0, Bound, "the conversation to remove its reminder once its fan-out is done");
            await Eventually.True(async () => !await Active(node, grain), Bound, "the conversation to be collected once idle");
        }
    }

    private static void CollectSoon(IServiceCollection services) => services.Configure<GrainCollectionOptions>(o =>
    {
        o.CollectionQuantum = TimeSpan.FromSeconds(1);
        o.CollectionAge = TimeSpan.FromSeconds(4);
    });

    private static async Task AllDelivered(IReadOnlyList<TestDevice> devices, string conversationId, int count)
    {
        foreach (var device in devices)
        {
            await device.PullUntil(conversationId, count, Bound);
            Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), device.MessageSeqs(conversationId));
        }
    }

    private static async Task<bool> Active(EmbeddedNode node, GrainId grain) =>
        (await node.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, null)).Any(s => s.GrainId == grain);

    private static async Task<int> ReminderRows(EmbeddedNode node, GrainId grain) =>
        (await node.Services.GetRequiredService<IReminderTable>().ReadRows(grain)).Reminders.Count;

    public void Dispose() => _data.Dispose();
}
