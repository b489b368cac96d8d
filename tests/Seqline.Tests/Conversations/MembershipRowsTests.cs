using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Storage.Rows;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Conversations;

/// <summary>
/// A conversation's members are rows of their own, not part of its grain state, so that the state
/// stays small however large the group (an Azure Table entity holds about 1 MB).
/// </summary>
public sealed class MembershipRowsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_four_thousand_member_group_keeps_a_small_state_and_its_members_across_a_restart()
    {
        // Kept in the conversation's state, four thousand members would be some thirty times the bound below.
        var id = Ids.Conversation();
        var members = Enumerable.Range(0, 4_000).Select(i => $"member-{i:00000}").ToList();
        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(members[0], members, "everyone", ConversationKind.Group));
            await conversation.ChangeMembers(new MembershipChange(members[0], ["newcomer"], members.Skip(2_000).ToList()));

            // The leavers' rows go once their inboxes have been told, which may outlast the call.
            await Eventually.True(async () => (await MemberRows(node, id)).Count == 2_001, TimeSpan.FromSeconds(60),
                "the leavers' rows to go");
            Assert.All(await MemberRows(node, id), r => Assert.Equal(MemberStatus.Member, r.Status));
            Assert.InRange(await Scalar(node, "SELECT length(data) FROM grain_state WHERE state_name = 'conversation' AND grain_id = $c", $"conversation/{id}"),
                1, 2048);
        }

        await using (var restarted = await new EmbeddedNode(_data.Path).Start())
        {
            var conversation = restarted.Grains.GetGrain<IConversationGrain>(id);
            var view = await conversation.Get("newcomer");
            Assert.Equal(members.Take(2_000).Append("newcomer").Order(StringComparer.Ordinal), view.Members);
            var refused = await Assert.ThrowsAsync<SeqlineException>(() => conversation.Get(members[3_000]));
            Assert.Equal(ErrorCode.Forbidden, refused.Code);
        }
    }

    private static async Task<List<MemberRow>> MemberRows(EmbeddedNode node, string conversationId) =>
        (await node.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.Members).ReadAsync(conversationId)).Select(MemberRow.From).ToList();

    private static async Task<long> Scalar(EmbeddedNode node, string sql, string parameter)
    {
        await using var connection = node.Services.GetRequiredService<SqliteDatabase>().OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", parameter);
        return await command.ExecuteScalarAsync() is long value ? value : 0;
    }

    public void Dispose() => _data.Dispose();
}
