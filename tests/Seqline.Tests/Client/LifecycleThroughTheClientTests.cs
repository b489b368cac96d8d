using System.Collections.Concurrent;
using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.ClientLibrary;

/// <summary>Recall, hide, clear and mentions through the client library, against a real node, as other devices see them.</summary>
public sealed class LifecycleThroughTheClientTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_recall_reaches_the_other_users_device_and_history_shows_a_tombstone()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        await using var alice = await ClientDevice.Connect(server, await server.Token("alice"));
        await using var bob = await ClientDevice.Connect(server, await server.Token("bob"));
        var recalls = Record(handler => bob.Client.MessageRecalled += handler);
        var id = (await alice.Client.CreateConversationAsync(["bob"])).ConversationId;
        foreach (var body in new[] { "one", "secret two", "three" }) await alice.Client.SendAsync(id, body);
        await Eventually.True(() => Task.FromResult(bob.MessageSeqs(id).Count == 3), Wait, "bob's three messages");

        var refused = await Assert.ThrowsAsync<SeqlineApiException>(() => bob.Client.RecallAsync(id, 1));
        Assert.Equal((403, ErrorCodes.Forbidden), (refused.Status, refused.Code));
        var tombstone = await alice.Client.RecallAsync(id, 2);
        Assert.Equal((2L, "", true), (tombstone.Seq, tombstone.Body, tombstone.Recalled));

        await Eventually.True(() => Task.FromResult(!recalls.IsEmpty), Wait, "the recall on bob's device");
        // Events arrive in inbox order, so a recall of message 1 would have come before this one.
        Assert.Equal([(id, 2L)], recalls.Select(e => (e.ConversationId, e.Seq)));
        var history = await bob.Client.GetHistoryBeforeAsync(id);
        Assert.Equal([(1L, "one", false), (2L, "", true), (3L, "three", false)], history.Messages.Select(m => (m.Seq, m.Body, m.Recalled)));
    }

    [Fact]
    public async Task Hiding_and_clearing_reach_the_users_other_device_and_leave_others_alone()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        var bobToken = await server.Token("bob");
        await using var alice = await ClientDevice.Connect(server, await server.Token("alice"));
        await using var phone = await ClientDevice.Connect(server, bobToken);
        await using var tablet = await ClientDevice.Connect(server, bobToken);
        var hidden = Record(handler => tablet.Client.MessageHidden += handler);
        var cleared = Record(handler => tablet.Client.ConversationCleared += handler);
        var id = (await alice.Client.CreateConversationAsync(["bob"])).ConversationId;
        for (var i = 1; i <= 5; i++) await alice.Client.SendAsync(id, $"m{i}");
        await Eventually.True(() => Task.FromResult(tablet.MessageSeqs(id).Count == 5), Wait, "the tablet's five messages");

        var refused = await Assert.ThrowsAsync<SeqlineApiException>(() => phone.Client.HideAsync(id, 99));
        Assert.Equal((400, ErrorCodes.Invalid), (refused.Status, refused.Code));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await phone.Client.GetHistoryBeforeAsync(id)).Messages.Select(m => m.Seq));

        await phone.Client.HideAsync(id, 4);
        var row = await phone.Client.ClearAsync(id, 2);
        Assert.Equal((2L, 0L), (row.ClearedThrough, (await alice.Client.GetConversationsAsync()).Single().ClearedThrough));

        await Eventually.True(() => Task.FromResult(!cleared.IsEmpty), Wait, "the clear on the tablet");
        Assert.Equal([4L], hidden.Select(e => e.Seq));
        Assert.Equal([2L], cleared.Select(e => e.Seq));
        Assert.Equal([3L, 5L], (await tablet.Client.GetHistoryBeforeAsync(id)).Messages.Select(m => m.Seq));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await alice.Client.GetHistoryBeforeAsync(id)).Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task Mentions_sent_through_the_client_count_in_the_other_users_conversation_list()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        await using var alice = await ClientDevice.Connect(server, await server.Token("alice"));
        await using var bob = await ClientDevice.Connect(server, await server.Token("bob"));
        var id = (await alice.Client.CreateConversationAsync(["bob", "carol"])).ConversationId;
        await alice.Client.SendAsync(id, "hello all");
        await alice.Client.SendAsync(id, "this one is for you", mentions: ["bob"]);
        await alice.Client.SendAsync(id, "and this for carol", mentions: ["carol"]);
        await Eventually.True(() => Task.FromResult(bob.MessageSeqs(id).Count == 3), Wait, "bob's three messages");

        var row = (await bob.Client.GetConversationsAsync()).Single();
        Assert.Equal((3L, 1L), (row.Unread, row.Mentions));
        Assert.Equal(["", "bob", "carol"], bob.Events.Where(e => e.Type == SyncEventTypes.Message).Select(e => string.Join(",", e.ToMessage()!.Mentions ?? [])));
        Assert.Equal(0L, (await bob.Client.MarkReadAsync(id, 3)).Mentions);
    }

    [Fact]
    public async Task A_mention_in_a_read_fanout_conversation_arrives_as_its_own_event()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Fanout:ReadFanoutAbove"] = "2",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
        });
        await using var alice = await ClientDevice.Connect(server, await server.Token("alice"));
        await using var bob = await ClientDevice.Connect(server, await server.Token("bob"));
        var mentions = Record(handler => bob.Client.MentionReceived += handler);
        var conversation = await alice.Client.CreateConversationAsync(["bob", "carol"]);
        Assert.Equal(FanoutModes.Read, conversation.Fanout);
        await alice.Client.SendAsync(conversation.ConversationId, "for carol", mentions: ["carol"]);
        await alice.Client.SendAsync(conversation.ConversationId, "for bob", mentions: ["bob"]);

        await Eventually.True(() => Task.FromResult(!mentions.IsEmpty), Wait, "bob's mention");
        Assert.Equal([(conversation.ConversationId, 2L)], mentions.Select(e => (e.ConversationId, e.Seq)));
        Assert.Equal(1L, (await bob.Client.GetConversationsAsync()).Single().Mentions);
    }

    // Typed events run on the sync loop; tests read them from their own thread.
    private static ConcurrentQueue<SyncEvent> Record(Action<Func<SyncEvent, Task>> subscribe)
    {
        var events = new ConcurrentQueue<SyncEvent>();
        subscribe(e =>
        {
            events.Enqueue(e);
            return Task.CompletedTask;
        });
        return events;
    }

    public void Dispose() => _data.Dispose();
}
