using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// A user's conversation index is rows of its own, one per conversation, so the inbox's grain
/// state stays small however many conversations the user is in.
/// </summary>
public sealed class ConversationIndexRowsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_user_in_a_thousand_conversations_keeps_a_small_state_and_the_whole_list_across_a_restart()
    {
        // Kept in the inbox's state, a thousand entries would be some forty times the bound below.
        const int conversations = 1_000;
        var (busy, friend) = (Ids.User("busy"), Ids.User("friend"));
        var ids = Enumerable.Range(0, conversations).Select(i => $"c-{i:00000}-{Guid.NewGuid():N}").ToList();
        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            foreach (var chunk in ids.Chunk(100))
            {
                await Task.WhenAll(chunk.Select(id =>
                    node.Grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(friend, [busy], id, ConversationKind.Group))));
            }
            // A create answers once its inboxes were told or after a few seconds, whichever is first.
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(busy).GetConversations()).Count == conversations,
                TimeSpan.FromSeconds(60), "busy's inbox to know every conversation");
            await node.Grains.GetGrain<IConversationGrain>(ids[7]).Send(new OutgoingMessage(friend, "m1", "the one with news"));
            await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(busy).GetConversations()).Any(c => c.LastSeq == 1),
                TimeSpan.FromSeconds(30), "the message in busy's list");
        }

        await using var restarted = await new EmbeddedNode(_data.Path).Start();
        var rows = await restarted.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.ConversationIndex).ReadAsync(busy);
        Assert.Equal(conversations, rows.Count);
        Assert.InRange(await StateBytes(restarted, $"inbox/{busy}"), 1, 1024);

        var list = await restarted.Grains.GetGrain<IInboxGrain>(busy).GetConversations();
        Assert.Equal(ids.Order(StringComparer.Ordinal), list.Select(c => c.ConversationId).Order(StringComparer.Ordinal));
        var news = list[0];
        Assert.Equal((ids[7], 1L, 1L, "the one with news"), (news.ConversationId, news.LastSeq, news.Unread, news.LastMessage!.Body));
    }

    [Fact]
    public async Task Replaying_events_onto_rows_that_already_hold_them_changes_nothing()
    {
        var (alice, bob, id, gone) = (Ids.User("alice"), Ids.User("bob"), Ids.Conversation(), Ids.Conversation());
        IReadOnlyList<ConversationSummary> before;
        HiddenMessages hiddenBefore;
        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            var conversation = node.Grains.GetGrain<IConversationGrain>(id);
            await conversation.Create(new NewConversation(alice, [bob], "busy", ConversationKind.Group));
            await node.Grains.GetGrain<IConversationGrain>(gone).Create(new NewConversation(alice, [bob], "gone", ConversationKind.Group));
            for (var i = 1; i <= 6; i++) await conversation.Send(new OutgoingMessage(alice, $"m{i}", $"hi @{bob} #{i}"));
            var inbox = node.Grains.GetGrain<IInboxGrain>(bob);
            // The message reaches the inbox with its body first, so the recall is an event of its own.
            await Eventually.True(async () => (await inbox.GetConversations()).Single(c => c.ConversationId == id).LastMessage?.Body == $"hi @{bob} #6",
                TimeSpan.FromSeconds(60), "the messages");
            await conversation.Recall(alice, 6);
            await Eventually.True(async () => (await inbox.GetConversations()).Single(c => c.ConversationId == id).LastMessage?.Body == "",
                TimeSpan.FromSeconds(60), "the recall");
            await inbox.Hide(id, 2);
            await inbox.MarkRead(id, 3);
            await node.Grains.GetGrain<IConversationGrain>(gone).ChangeMembers(new MembershipChange(alice, [], [bob]));
            await Eventually.True(async () => (await inbox.GetConversations()).Count == 1, TimeSpan.FromSeconds(60), "bob to leave");
            before = await inbox.GetConversations();
            hiddenBefore = await inbox.GetHidden(id);
        }

        // As if the node had crashed after writing the index rows but before the head: every event
        // is replayed onto rows that already reflect it.
        await using (var node = await new EmbeddedNode(_data.Path).Start())
        {
            var storage = node.Services.GetRequiredKeyedService<IGrainStorage>(SeqlineStorage.GrainStateName);
            var state = new GrainState<InboxState>();
            await storage.ReadStateAsync("inbox", GrainId.Create("inbox", bob), state);
            Assert.True(state.State!.Head > 10);
            state.State.Head = 0;
            await storage.WriteStateAsync("inbox", GrainId.Create("inbox", bob), state);
        }

        await using var restarted = await new EmbeddedNode(_data.Path).Start();
        var bobs = restarted.Grains.GetGrain<IInboxGrain>(bob);
        var after = await bobs.GetConversations();
        Assert.Equal(before, after);
        Assert.Equal((3L, 3L, 3L), (after[0].ReadSeq, after[0].Unread, after[0].Mentions));
        var hiddenAfter = await bobs.GetHidden(id);
        Assert.Equal(hiddenBefore.ClearedThrough, hiddenAfter.ClearedThrough);
        Assert.Equal([2L], hiddenBefore.Hidden);
        Assert.Equal([2L], hiddenAfter.Hidden);
    }

    private static async Task<long> StateBytes(EmbeddedNode node, string grainId)
    {
        await using var connection = node.Services.GetRequiredService<SqliteDatabase>().OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(data) FROM grain_state WHERE state_name = 'inbox' AND grain_id = $g";
        command.Parameters.AddWithValue("$g", grainId);
        return await command.ExecuteScalarAsync() is long bytes ? bytes : 0;
    }

    public void Dispose() => _data.Dispose();
}
