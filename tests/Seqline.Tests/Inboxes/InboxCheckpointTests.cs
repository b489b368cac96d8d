using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// An inbox writes its conversation index as a checkpoint every so many events, not after every
/// append; what follows the checkpoint is replayed from the sync timeline. (The crash case, a
/// process killed with the index far behind, is in <c>SiloProcessKillTests</c>.)
/// </summary>
public sealed class InboxCheckpointTests : IDisposable
{
    private const int CheckpointEvents = 50;
    private const int Messages = 120;
    private readonly TempDirectory _data = new();

    private Task<EmbeddedNode> Start() => new EmbeddedNode(_data.Path, settings: new Dictionary<string, string?>
    {
        ["Seqline:Sync:CheckpointEvents"] = CheckpointEvents.ToString(),
        ["Seqline:Sync:CheckpointInterval"] = "01:00:00",
    }).Start();

    [Fact]
    public async Task The_index_is_written_every_so_many_events_and_on_deactivation_and_reads_back_whole()
    {
        var (alice, bob, id) = (Ids.User("alice"), Ids.User("bob"), Ids.Conversation());
        await using (var node = await Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(alice, [bob], "checkpoints", ConversationKind.Group));
            for (var i = 1; i <= Messages; i++) await conversation.Send(new OutgoingMessage(alice, $"m{i}", $"message {i}"));
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Single().LastSeq == Messages,
                TimeSpan.FromSeconds(60), "fan-out");

            // A joined event and 120 messages: one write when the inbox started its epoch, then one per 50 events at most.
            var writes = await StateWrites(node, bob);
            Assert.InRange(writes, 2, 1 + (Messages + 1) / CheckpointEvents);
        }

        // Stopping the node deactivated the inbox, which wrote what was past its last checkpoint.
        await using var restarted = await Start();
        var versionAfterStop = await StateWrites(restarted, bob);
        var row = (await restarted.Grains.GetGrain<IInboxGrain>(bob).GetConversations()).Single();
        Assert.Equal((Messages, 0L, Messages, "message 120"), (row.LastSeq, row.ReadSeq, row.Unread, row.LastMessage!.Body));
        // Nothing was left to replay, so activating wrote nothing.
        Assert.Equal(versionAfterStop, await StateWrites(restarted, bob));
    }

    /// <summary>How often the user's inbox state was written: its row version.</summary>
    private static async Task<long> StateWrites(EmbeddedNode node, string userId)
    {
        await using var connection = node.Services.GetRequiredService<SqliteDatabase>().OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM grain_state WHERE state_name = 'inbox' AND grain_id = $g";
        command.Parameters.AddWithValue("$g", $"inbox/{userId}");
        return await command.ExecuteScalarAsync() is long version ? version : 0;
    }

    public void Dispose() => _data.Dispose();
}
