using System.Collections.Concurrent;
using System.Net;
using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Client;

/// <summary>The client library's typed events, and a cursor kept in a file across client instances.</summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ClientEventsTests(SeqlineNodeFixture node)
{
    private SeqlineServer Server => node.Server;

    [Fact]
    public async Task Messages_and_a_read_marker_moved_on_another_device_raise_their_events_with_their_data()
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var aliceToken = await Server.Token(alice);
        await using var phone = await ClientDevice.Connect(Server, aliceToken);
        await using var laptop = await ClientDevice.Connect(Server, aliceToken);
        await using var bobsPhone = await ClientDevice.Connect(Server, await Server.Token(bob));
        var (messages, reads) = (new ConcurrentQueue<SyncEvent>(), new ConcurrentQueue<SyncEvent>());
        phone.Client.MessageReceived += e => Record(messages, e);
        phone.Client.ReadMarkerChanged += e => Record(reads, e);

        var id = (await bobsPhone.Client.CreateConversationAsync([alice], "events")).ConversationId;
        for (var i = 1; i <= 3; i++) await bobsPhone.Client.SendAsync(id, $"hello {i}", $"bob-{i}");
        await Eventually.True(() => Task.FromResult(messages.Count >= 3), TimeSpan.FromSeconds(60), "three messages on alice's phone");

        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.Seq));
        Assert.All(messages, m =>
        {
            Assert.Equal((SyncEventTypes.Message, id, bob), (m.Type, m.ConversationId, m.SenderId));
            Assert.Equal(($"hello {m.Seq}", $"bob-{m.Seq}"), (m.Body, m.ClientMsgId));
        });
        Assert.Empty(reads);

        await laptop.Client.MarkReadAsync(id, 2);
        await Eventually.True(() => Task.FromResult(!reads.IsEmpty), TimeSpan.FromSeconds(60), "the read marker on alice's phone");

        var read = Assert.Single(reads);
        Assert.Equal((SyncEventTypes.Read, id, 2L), (read.Type, read.ConversationId, read.Seq));
        Assert.Equal(3, messages.Count);
    }

    [Fact]
    public async Task A_file_checkpoint_carries_the_cursor_to_a_new_client_on_the_same_file()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "device", "cursor");
        using var bob = await ApiUser.SignIn(Server, Ids.User("bob"));
        var alice = Ids.User("alice");
        var aliceToken = await Server.Token(alice);
        var id = await bob.CreateGroup(alice);
        var resets = 0;

        await using (var first = await ClientDevice.Connect(Server, aliceToken, new FileCheckpointStore(path), onReset: _ => resets++))
        {
            await SendTwo(bob, id, first, 1);
            // Waits for any push being applied, so the file holds the cursor the client ends with.
            await first.Client.SyncAsync();
            Assert.Equal(first.Client.Cursor, await new FileCheckpointStore(path).LoadAsync());
        }
        Assert.Equal(1, resets);

        await using var second = await ClientDevice.Connect(Server, aliceToken, new FileCheckpointStore(path), onReset: _ => resets++);
        await SendTwo(bob, id, second, 3);
        Assert.Equal(1, resets);
        Assert.Equal([3L, 4L], second.MessageSeqs(id));
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("another user's")]
    public async Task A_checkpoint_the_server_refuses_starts_the_device_over_from_a_reset(string damage)
    {
        var (alice, bob) = (Ids.User("alice"), Ids.User("bob"));
        var (aliceToken, bobToken) = (await Server.Token(alice), await Server.Token(bob));
        var stored = damage;
        if (damage == "another user's")
        {
            await using var bobsLaptop = await ClientDevice.Connect(Server, bobToken);
            stored = bobsLaptop.Client.Cursor!;
        }
        await using var bobsPhone = await ClientDevice.Connect(Server, bobToken);
        var id = (await bobsPhone.Client.CreateConversationAsync([alice], "refused")).ConversationId;
        await bobsPhone.Client.SendAsync(id, "before");

        var resets = 0;
        await using var phone = await ClientDevice.Connect(Server, aliceToken, new InMemoryCheckpointStore(stored), onReset: _ => resets++);
        Assert.Equal(1, resets);
        Assert.NotEqual(stored, phone.Client.Cursor);

        // From the reset's cursor on, sync works as for any device.
        await bobsPhone.Client.SendAsync(id, "after");
        await Eventually.True(async () => { await phone.Client.SyncAsync(); return phone.MessageSeqs(id).Contains(2); }, TimeSpan.FromSeconds(60), "the next message");
        Assert.Equal([2L], phone.MessageSeqs(id));
    }

    private static Task Record(ConcurrentQueue<SyncEvent> events, SyncEvent e)
    {
        events.Enqueue(e);
        return Task.CompletedTask;
    }

    private static async Task SendTwo(ApiUser sender, string conversationId, ClientDevice receiver, long from)
    {
        for (var seq = from; seq < from + 2; seq++) Assert.Equal(HttpStatusCode.Created, (await sender.Send(conversationId, $"message {seq}")).StatusCode);
        await Eventually.True(() => Task.FromResult(receiver.MessageSeqs(conversationId).Contains(from + 1)), TimeSpan.FromSeconds(60), $"messages {from} and {from + 1}");
    }
}
