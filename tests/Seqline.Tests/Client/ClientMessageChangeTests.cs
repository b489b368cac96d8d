using System.Collections.Concurrent;
using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Client;

/// <summary>
/// Edits and reactions through the client library: the calls, the typed events every member's
/// client raises, history's latest version, and a refusal as <see cref="SeqlineApiException"/>.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ClientMessageChangeTests(SeqlineNodeFixture node)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private SeqlineServer Server => node.Server;

    private static Task Record(ConcurrentQueue<SyncEvent> into, SyncEvent e)
    {
        into.Enqueue(e);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_sender_edits_members_react_and_every_client_raises_the_events()
    {
        var (ann, bob) = (Ids.User("ann"), Ids.User("bob"));
        await using var anns = await ClientDevice.Connect(Server, await Server.Token(ann));
        await using var bobs = await ClientDevice.Connect(Server, await Server.Token(bob));
        var (edits, reactions) = (new ConcurrentQueue<SyncEvent>(), new ConcurrentQueue<SyncEvent>());
        bobs.Client.MessageEdited += e => Record(edits, e);
        bobs.Client.ReactionChanged += e => Record(reactions, e);

        var id = (await anns.Client.CreateConversationAsync([bob])).ConversationId;
        var sent = await anns.Client.SendAsync(id, "helo");
        var edited = await anns.Client.EditAsync(id, sent.Seq, "hello");
        Assert.Equal(("hello", true), (edited.Body, edited.EditedAt is not null));
        var liked = await bobs.Client.AddReactionAsync(id, sent.Seq, "👍");
        Assert.Equal(("👍", 1, bob), (liked.Reactions![0].Emoji, liked.Reactions[0].Count, liked.Reactions[0].Users[0]));
        Assert.Null((await bobs.Client.RemoveReactionAsync(id, sent.Seq, "👍")).Reactions);
        // Again: nothing to take back, the message as it is.
        Assert.Null((await bobs.Client.RemoveReactionAsync(id, sent.Seq, "👍")).Reactions);

        await Eventually.True(() => Task.FromResult(edits.Count == 1 && reactions.Count == 2), Within, "bob's client to raise the three events");
        var edit = Assert.Single(edits);
        Assert.Equal((SyncEventTypes.Edited, 2L, sent.Seq, ann, "hello"), (edit.Type, edit.Seq, edit.TargetSeq!.Value, edit.SenderId, edit.Body));
        Assert.Equal([(3L, "👍", false), (4L, "👍", true)], reactions.Select(r => (r.Seq, r.Emoji!, r.Removed)));
        Assert.All(reactions, r => Assert.Equal((sent.Seq, bob), (r.TargetSeq!.Value, r.SenderId)));

        var history = await bobs.Client.GetHistoryAfterAsync(id, 0);
        Assert.Equal(("hello", 4), (history.Messages[0].Body, history.Messages.Count));
        Assert.Equal([SyncEventTypes.Edited, SyncEventTypes.Reaction, SyncEventTypes.Reaction], history.Messages.Skip(1).Select(m => m.Type));
        Assert.Equal(sent.Seq, history.Messages[1].TargetSeq);

        var refused = await Assert.ThrowsAsync<SeqlineApiException>(() => bobs.Client.EditAsync(id, sent.Seq, "mine"));
        Assert.Equal((403, ErrorCodes.Forbidden), (refused.Status, refused.Code));
        var tooMany = await Assert.ThrowsAsync<SeqlineApiException>(() => bobs.Client.AddReactionAsync(id, sent.Seq, "no"));
        Assert.Equal((400, ErrorCodes.Invalid), (tooMany.Status, tooMany.Code));
    }
}
