using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using Xunit.Abstractions;

namespace Seqline.Tests.Fanout;

/// <summary>
/// The Timeline model's own argument, measured: storage rows written and read per delivered
/// message under pure write fan-out, pure read fan-out and the hybrid, on one mixed workload
/// (1:1 chats, 10-member groups, one 300-member group), with every member syncing it all and
/// then syncing once more after one new message: the incremental pull devices do all day.
/// </summary>
public sealed class FanoutCostComparison(ITestOutputHelper output)
{
    private sealed record Cost(string Mode, long Delivered, long Written, long Read, long Queries)
    {
        public double WrittenPerMessage => (double)Written / Delivered;
        public double QueriesPerMessage => (double)Queries / Delivered;
    }

    [Fact]
    public async Task Hybrid_fan_out_writes_far_less_than_write_fan_out_and_reads_less_than_read_fan_out()
    {
        var write = await Measure("write fan-out", readAbove: int.MaxValue);
        var read = await Measure("read fan-out", readAbove: 0);
        var hybrid = await Measure("hybrid (read above 200)", readAbove: 200);

        output.WriteLine("| mode | delivered | rows written | rows read | read queries | rows written per delivered | read queries per delivered |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var c in new[] { write, read, hybrid })
            output.WriteLine($"| {c.Mode} | {c.Delivered} | {c.Written} | {c.Read} | {c.Queries} | {c.WrittenPerMessage:0.000} | {c.QueriesPerMessage:0.000} |");

        // Every member gets every message whichever the mode.
        Assert.Equal(write.Delivered, read.Delivered);
        Assert.Equal(write.Delivered, hybrid.Delivered);
        Assert.True(hybrid.Written * 3 < write.Written, "the large group must not be copied into 300 inboxes");
        Assert.True(read.Written < hybrid.Written, "read fan-out writes the least");
        Assert.True(hybrid.Queries < read.Queries, "small conversations are cheaper to sync from the inbox");
        Assert.True(write.Queries < hybrid.Queries, "write fan-out syncs from one timeline per user");
    }

    private async Task<Cost> Measure(string mode, int readAbove)
    {
        using var data = new TempDirectory();
        CountingTimelineStore? conversations = null, inboxes = null;
        await using var node = await new EmbeddedNode(data.Path, services =>
        {
            CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Conversations, store => conversations = store);
            CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Inboxes, store => inboxes = store);
        }, new Dictionary<string, string?>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = readAbove.ToString(),
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = Math.Min(readAbove - 1, 150).ToString(),
        }).Start();
        var grains = node.Grains;

        var users = Enumerable.Range(0, 300).Select(i => $"u{i:000}").ToArray();
        var devices = new Dictionary<string, TestDevice>();
        foreach (var user in users) devices[user] = await new TestDevice(grains, user).Connect();

        var made = new List<(string Id, string[] Members, int Messages)>();
        for (var i = 0; i < 30; i++)
            foreach (var other in new[] { (i + 1) % 30, (i + 7) % 30 })
                made.Add((DirectConversation.IdFor(users[i], users[other]), [users[i], users[other]], 3));
        for (var g = 0; g < 3; g++) made.Add(($"group-{g}", users.Skip(30 + g * 10).Take(10).ToArray(), 10));
        made.Add(("large", users, 10));

        foreach (var (id, members, _) in made)
        {
            var kind = members.Length == 2 ? ConversationKind.Direct : ConversationKind.Group;
            await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(members[0], members, null, kind));
        }
        foreach (var device in devices.Values) await device.PullAll();
        var writtenBefore = conversations!.RowsWritten + inboxes!.RowsWritten;

        foreach (var (id, members, messages) in made)
            for (var m = 0; m < messages; m++)
                await grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage(members[m % members.Length], $"m{m}", $"message {m}"));

        // Wait for write fan-out to finish, then let every device sync once: that sync is the read cost.
        var inboxRows = made.Where(c => c.Members.Length <= readAbove).Sum(c => c.Members.Length * c.Messages);
        var written = made.Sum(c => c.Messages) + inboxRows;
        await Eventually.True(() => Task.FromResult(conversations.RowsWritten + inboxes.RowsWritten - writtenBefore >= written),
            TimeSpan.FromSeconds(60), $"{mode}: fan-out to finish");
        var (rowsBefore, queriesBefore) = (conversations.RowsRead + inboxes.RowsRead, conversations.Queries + inboxes.Queries);
        foreach (var device in devices.Values) await device.PullAll(limit: 100);

        var writtenBeforeOneMore = conversations.RowsWritten + inboxes.RowsWritten;
        var (id1, members1, _) = made.Single(c => c.Id == "group-0");
        await grains.GetGrain<IConversationGrain>(id1).Send(new OutgoingMessage(members1[0], "one-more", "one more"));
        await Eventually.True(() => Task.FromResult(conversations.RowsWritten + inboxes.RowsWritten - writtenBeforeOneMore >= (readAbove >= 10 ? 11 : 1)),
            TimeSpan.FromSeconds(60), $"{mode}: fan-out of one more message");
        foreach (var device in devices.Values) await device.PullAll(limit: 100);

        var delivered = devices.Values.Sum(d => d.Events.Count(e => e.Type == "message"));
        Assert.Equal(made.Sum(c => c.Members.Length * c.Messages) + members1.Length, delivered);
        return new Cost(mode, delivered,
            conversations.RowsWritten + inboxes.RowsWritten - writtenBefore,
            conversations.RowsRead + inboxes.RowsRead - rowsBefore,
            conversations.Queries + inboxes.Queries - queriesBefore);
    }
}
