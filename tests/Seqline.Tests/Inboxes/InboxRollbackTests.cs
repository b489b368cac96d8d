using Microsoft.Data.Sqlite;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Inboxes;

/// <summary>
/// An inbox that goes back (its timeline wiped, or everything restored from an older copy) hands
/// out positions again that devices have seen with other events: their cursors must reset, never
/// skip silently.
/// </summary>
public sealed class InboxRollbackTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _backup = new();

    private Task<EmbeddedNode> Start(Dictionary<string, string?>? settings = null) => new EmbeddedNode(_data.Path, settings: settings).Start();

    private static async Task<(string Id, TestDevice Device)> GroupWithOneMessage(EmbeddedNode node)
    {
        var id = Ids.Conversation();
        var device = await new TestDevice(node.Grains, "ben").Connect();
        await node.Grains.GetGrain<IConversationGrain>(id).Create(new NewConversation("ann", ["ben"], null, ConversationKind.Group));
        await node.Grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage("ann", "a1", "one"));
        await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count == 1; },
            TimeSpan.FromSeconds(60), "ben's first message");
        return (id, device);
    }

    [Fact]
    public async Task An_inbox_whose_timeline_was_wiped_starts_a_new_epoch_and_keeps_receiving()
    {
        string id, cursor;
        await using (var node = await Start())
        {
            TestDevice device;
            (id, device) = await GroupWithOneMessage(node);
            cursor = device.Cursor!;
        }

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "seqline.db")}"))
        {
            await connection.OpenAsync();
            await using var wipe = connection.CreateCommand();
            wipe.CommandText = $"DELETE FROM {TimelineStoreNames.Inboxes}_entries WHERE timeline = 'ben'";
            Assert.True(await wipe.ExecuteNonQueryAsync() > 0);
        }

        await using (var node = await Start())
        {
            var inbox = node.Grains.GetGrain<IInboxGrain>("ben");
            var page = await inbox.Sync(cursor, 10);
            Assert.True(page.Reset);
            var row = page.Conversations!.Single();
            Assert.Equal((id, 1L, 1L), (row.ConversationId, row.LastSeq, row.Unread));

            // The inbox appends again from where its timeline now ends, and the new cursor follows.
            var device = new TestDevice(node.Grains, "ben", page.Cursor);
            await node.Grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage("ann", "a2", "two"));
            await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count == 1; },
                TimeSpan.FromSeconds(60), "the message sent after the wipe");
            Assert.Equal([2L], device.MessageSeqs(id));
        }
    }

    [Fact]
    public async Task After_a_restore_from_an_older_copy_a_cursor_past_the_head_resets_every_device()
    {
        string id, phone, laptop;
        await using (var node = await Start())
        {
            TestDevice device;
            (id, device) = await GroupWithOneMessage(node);
            phone = device.Cursor!;
        }
        CopyFiles(_data.Path, _backup.Path);

        await using (var node = await Start())
        {
            for (var i = 2; i <= 3; i++) await node.Grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage("ann", $"a{i}", $"lost {i}"));
            var device = new TestDevice(node.Grains, "ben", phone);
            await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count == 2; },
                TimeSpan.FromSeconds(60), "the messages the restore will lose");
            laptop = device.Cursor!;
        }
        foreach (var file in Directory.GetFiles(_data.Path)) File.Delete(file);
        CopyFiles(_backup.Path, _data.Path);

        await using (var node = await Start())
        {
            var inbox = node.Grains.GetGrain<IInboxGrain>("ben");
            // The laptop is past the restored head: a reset, not an error.
            var page = await inbox.Sync(laptop, 10);
            Assert.True(page.Reset);
            Assert.Equal(1L, page.Conversations!.Single().LastSeq);
            // The phone's position will be handed out again with other events, so it resets too.
            Assert.True((await inbox.Sync(phone, 10)).Reset);
            Assert.False((await inbox.Sync(page.Cursor, 10)).Reset);
        }
    }

    [Fact]
    public async Task Raising_the_generation_resets_every_cursor_once()
    {
        string cursor;
        await using (var node = await Start())
        {
            var (_, device) = await GroupWithOneMessage(node);
            cursor = device.Cursor!;
            Assert.False((await node.Grains.GetGrain<IInboxGrain>("ben").Sync(cursor, 10)).Reset);
        }

        await using (var node = await Start(new() { [$"{SyncOptions.Section}:Generation"] = "1" }))
        {
            var inbox = node.Grains.GetGrain<IInboxGrain>("ben");
            var page = await inbox.Sync(cursor, 10);
            Assert.True(page.Reset);
            Assert.False((await inbox.Sync(page.Cursor, 10)).Reset);
        }
    }

    private static void CopyFiles(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    public void Dispose()
    {
        _data.Dispose();
        _backup.Dispose();
    }
}
