using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// A sync cursor holds a position in every read-fan-out conversation of its user. Kept compact,
/// it still fits its size limit for a user in hundreds of large groups.
/// </summary>
public sealed class ManyLargeGroupsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_user_in_four_hundred_read_fan_out_groups_syncs_them_all()
    {
        // Every group is on read fan-out here, so each of them puts a position into ann's cursor.
        await using var node = await new EmbeddedNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "1",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "0",
        }).Start();
        var ann = Ids.User("ann");
        var groups = new List<(string Id, string Other)>();
        for (var i = 0; i < 400; i++)
        {
            var (id, other) = (Ids.Conversation(), Ids.User($"u{i}"));
            Assert.Equal(FanoutMode.Read, (await node.Grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(other, [ann], null, ConversationKind.Group))).Fanout);
            groups.Add((id, other));
        }
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(ann).GetConversations()).Count == 400,
            TimeSpan.FromSeconds(60), "ann's inbox to know every group");

        var phone = await new TestDevice(node.Grains, ann).Connect();
        Assert.InRange(phone.Cursor!.Length, 400 * 11, 8192);
        foreach (var (id, other) in groups.Where((_, i) => i % 40 == 0))
            await node.Grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage(other, "m1", $"hello from {other}"));

        await phone.PullAll(limit: 3);
        var expected = groups.Where((_, i) => i % 40 == 0).Select(g => g.Id).Order(StringComparer.Ordinal);
        Assert.Equal(expected, phone.Events.Where(e => e.Type == SyncEventTypes.Message).Select(e => e.ConversationId).Order(StringComparer.Ordinal));
        // Up to date: the next pull brings nothing, and a new device lands at the same place.
        Assert.Empty(await phone.PullAll());
        Assert.Equal(phone.Cursor, (await new TestDevice(node.Grains, ann).Connect()).Cursor);
    }

    public void Dispose() => _data.Dispose();
}
