using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Conversations;

/// <summary>
/// Edits and reactions at the grain: notices in the conversation's timeline that rewrite the message
/// they name, refused with nothing changed, never applied twice, and finished after a crash.
/// </summary>
public sealed class MessageChangeTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private Task<EmbeddedNode> Start(bool faults = false) => new EmbeddedNode(_data.Path, s =>
    {
        s.AddKeyedSingleton<TimeProvider>(RetentionOptions.Clock, _clock);
        if (faults) s.AddFaultInjection();
    }, new Dictionary<string, string?>
    {
        ["Seqline:Limits:MaxReactionKinds"] = "3",
        ["Seqline:Limits:MaxReactionsPerUser"] = "2",
        ["Seqline:Limits:MaxBodyBytes"] = "100",
    }).Start();

    private static async Task<List<ChatMessage>> History(IConversationGrain conversation, string userId) =>
        (await conversation.ReadAfter(userId, 0, 1000)).Messages.ToList();

    private static string Describe(ChatMessage m) => m.Type switch
    {
        SyncEventTypes.Edited => $"edited@{m.Seq}:{m.TargetSeq}={m.Body}",
        SyncEventTypes.Reaction => $"reaction@{m.Seq}:{m.TargetSeq}{(m.Removed == true ? "-" : "+")}{m.Emoji} by {m.SenderId}",
        null => $"message@{m.Seq}:{m.Body}{(m.EditedAt is null ? "" : " (edited)")}" +
                string.Concat((m.Reactions ?? []).Select(r => $" {r.Emoji}{r.Count}[{string.Join(",", r.Users)}]")),
        _ => $"{m.Type}@{m.Seq}",
    };

    [Fact]
    public async Task Edits_and_reactions_rewrite_the_message_reach_every_member_in_order_and_are_never_unread()
    {
        await using var node = await Start();
        var (ann, bob, cat, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cat"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob, cat], null, ConversationKind.Group));
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        await conversation.Send(new OutgoingMessage(ann, "a1", "helo"));
        await conversation.Send(new OutgoingMessage(bob, "b1", "hi"));

        var edited = await conversation.Edit(ann, 1, "hello");
        Assert.Equal(("hello", MessageCodec.StoredTime(_clock.GetUtcNow())), (edited.Body, edited.EditedAt!.Value));
        await conversation.AddReaction(bob, 1, "👍");
        await conversation.AddReaction(cat, 1, "👍");
        await conversation.AddReaction(cat, 1, "🎉");
        var last = await conversation.RemoveReaction(cat, 1, "🎉");
        Assert.Equal($"message@1:hello (edited) 👍2[{bob},{cat}]", Describe(last));

        // What a retry of each would do: nothing, and the answer is the message as it is.
        Assert.Equal(Describe(last), Describe(await conversation.AddReaction(bob, 1, "👍")));
        Assert.Equal(Describe(last), Describe(await conversation.RemoveReaction(cat, 1, "🎉")));
        Assert.Equal(Describe(last), Describe(await conversation.Edit(ann, 1, "hello")));

        Assert.Equal(
        [
            $"message@1:hello (edited) 👍2[{bob},{cat}]", "message@2:hi", "edited@3:1=hello",
            $"reaction@4:1+👍 by {bob}", $"reaction@5:1+👍 by {cat}", $"reaction@6:1+🎉 by {cat}", $"reaction@7:1-🎉 by {cat}",
        ], (await History(conversation, bob)).Select(Describe));
        Assert.Equal(7, (await conversation.Get(ann)).LastSeq);

        await Eventually.True(async () => { await bobs.PullAll(); return bobs.Events.Any(e => e.Seq == 7); }, Within, "bob's device to get every change");
        Assert.Equal(["message@1", "message@2", "edited@3:1=hello", "reaction@4:1+👍", "reaction@5:1+👍", "reaction@6:1+🎉", "reaction@7:1-🎉"],
            bobs.Events.Where(e => e.ConversationId == id && e.Type != SyncEventTypes.Joined).Select(e => e.Type switch
            {
                SyncEventTypes.Edited => $"edited@{e.Seq}:{e.TargetSeq}={e.Body}",
                SyncEventTypes.Reaction => $"reaction@{e.Seq}:{e.TargetSeq}{(e.Removed == true ? "-" : "+")}{e.Emoji}",
                _ => $"{e.Type}@{e.Seq}",
            }));

        // bob read up to his own message; cat read nothing and reacted: only the two messages are unread to her,
        // and the list's preview stays the newest message.
        var bobsRow = (await node.Grains.GetGrain<IInboxOwner>(bob).GetConversations()).Single();
        var catsRow = (await node.Grains.GetGrain<IInboxOwner>(cat).GetConversations()).Single();
        Assert.Equal((7L, 2L, 0L), (bobsRow.LastSeq, bobsRow.ReadSeq, bobsRow.Unread));
        Assert.Equal((7L, 0L, 2L), (catsRow.LastSeq, catsRow.ReadSeq, catsRow.Unread));
        Assert.Equal("hi", catsRow.LastMessage!.Body);
        // Reading up to the last change reads everything; a later message is one unread again.
        await node.Grains.GetGrain<IInboxOwner>(cat).MarkRead(id, 7);
        await conversation.Send(new OutgoingMessage(ann, "a2", "lunch?"));
        await conversation.AddReaction(bob, 8, "👍");
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxOwner>(cat).GetConversations()).Single() is { LastSeq: 9, Unread: 1 },
            Within, "cat to have one unread message after a message and a reaction");
    }

    [Fact]
    public async Task An_edit_of_the_newest_message_changes_the_lists_preview()
    {
        await using var node = await Start();
        var (ann, bob, id) = (Ids.User("ann"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        await conversation.Send(new OutgoingMessage(ann, "a1", "helo"));
        await conversation.Edit(ann, 1, "hello");
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxOwner>(bob).GetConversations()).Single() is { LastSeq: 2, Unread: 1, LastMessage.Body: "hello" },
            Within, "bob's row to show the edited text, one unread");
    }

    [Fact]
    public async Task Every_refusal_has_its_code_and_changes_nothing()
    {
        await using var node = await Start();
        var (ann, bob, cat, dan, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cat"), Ids.User("dan"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob, cat], null, ConversationKind.Group));
        await conversation.Send(new OutgoingMessage(ann, "a1", "first"));
        await conversation.Send(new OutgoingMessage(ann, "a2", "to recall"));
        await conversation.SetRole(new RoleChange(ann, bob, MemberRole.Admin));
        await conversation.Recall(ann, 2);
        await conversation.AddReaction(cat, 1, "👍");
        await conversation.AddReaction(cat, 1, "🎉");
        await conversation.AddReaction(bob, 1, "😀");
        var before = (await History(conversation, ann)).Select(Describe).ToList();

        async Task Refused(ErrorCode code, Func<Task> call) => Assert.Equal(code, (await Assert.ThrowsAsync<SeqlineException>(call)).Code);
        await Refused(ErrorCode.Forbidden, () => conversation.Edit(bob, 1, "mine now"));
        await Refused(ErrorCode.Forbidden, () => conversation.Edit(ann, 3, "a notice"));
        await Refused(ErrorCode.Forbidden, () => conversation.AddReaction(bob, 3, "👍"));
        await Refused(ErrorCode.Conflict, () => conversation.Edit(ann, 2, "back again"));
        await Refused(ErrorCode.Conflict, () => conversation.AddReaction(bob, 2, "👍"));
        await Refused(ErrorCode.NotFound, () => conversation.Edit(ann, 99, "x"));
        await Refused(ErrorCode.NotFound, () => conversation.AddReaction(bob, 0, "👍"));
        await Refused(ErrorCode.Forbidden, () => conversation.AddReaction(dan, 1, "👍"));
        await Refused(ErrorCode.Forbidden, () => conversation.Edit(dan, 1, "x"));
        await Refused(ErrorCode.Invalid, () => conversation.Edit(ann, 1, " "));
        await Refused(ErrorCode.TooLarge, () => conversation.Edit(ann, 1, new string('x', 101)));
        await Refused(ErrorCode.Invalid, () => conversation.AddReaction(bob, 1, "👍👍"));
        await Refused(ErrorCode.Invalid, () => conversation.RemoveReaction(bob, 1, "\n"));
        // cat gave two (the most per member); a fourth kind is one too many for anyone.
        await Refused(ErrorCode.TooLarge, () => conversation.AddReaction(cat, 1, "😀"));
        await Refused(ErrorCode.TooLarge, () => conversation.AddReaction(bob, 1, "🙂"));
        _clock.Advance(TimeSpan.FromHours(25));
        await Refused(ErrorCode.Forbidden, () => conversation.Edit(ann, 1, "too late"));

        Assert.Equal(before, (await History(conversation, ann)).Select(Describe));
        // Reactions have no window.
        Assert.Equal(2, (await conversation.AddReaction(bob, 1, "👍")).Reactions!.Single(r => r.Emoji == "👍").Count);
    }

    [Fact]
    public async Task Reactions_from_many_members_at_once_are_all_kept()
    {
        await using var node = await Start();
        var (ann, id) = (Ids.User("ann"), Ids.Conversation());
        var others = Enumerable.Range(0, 30).Select(i => Ids.User($"m{i}")).ToList();
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, others, null, ConversationKind.Group));
        await conversation.Send(new OutgoingMessage(ann, "a1", "vote"));

        // Sends interleave with them: the changes and the messages share one run of seqs.
        var sends = others.Take(5).Select((u, i) => conversation.Send(new OutgoingMessage(u, $"s{i}", "me too")));
        await Task.WhenAll(others.Select(u => conversation.AddReaction(u, 1, "👍")).Concat(sends.Select(s => (Task)s)));

        var history = await History(conversation, ann);
        Assert.Equal(others.Order(), history[0].Reactions!.Single().Users.Order());
        Assert.Equal(Enumerable.Range(1, 36).Select(i => (long)i), history.Select(m => m.Seq));
        Assert.Equal(30, history.Count(m => m.Type == SyncEventTypes.Reaction));
    }

    [Theory]
    [InlineData("conversations.replace", FaultKind.Before)]
    [InlineData("conversations.append", FaultKind.After)]
    [InlineData("state.write", FaultKind.Before)]
    public async Task A_change_cut_short_by_a_failed_write_is_finished_once_and_its_retry_changes_nothing(string site, FaultKind kind)
    {
        await using var node = await Start(faults: true);
        var (ann, bob, id) = (Ids.User("ann"), Ids.User("bob"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(ann, [bob], null, ConversationKind.Group));
        await conversation.Send(new OutgoingMessage(ann, "a1", "helo"));
        var bobs = await new TestDevice(node.Grains, bob).Connect();
        // The fan-out's own state write is done before the fault is armed.
        await Eventually.True(async () => (await node.StoredState(id)).FannedOutThrough == 1, Within, "the fan-out to be recorded");

        FaultPlan.FailNext(site, id, kind);
        await Assert.ThrowsAnyAsync<Exception>(() => conversation.AddReaction(bob, 1, "👍"));
        FaultPlan.Clear(site, id);
        try { await conversation.Cast<IGrainManagementExtension>().DeactivateOnIdle(); } catch (SeqlineException) { }

        // The client retries both until they answer.
        ChatMessage message = null!;
        await Eventually.True(async () =>
        {
            try { await conversation.AddReaction(bob, 1, "👍"); message = await conversation.Edit(ann, 1, "hello"); return true; }
            catch (SeqlineException) { return false; }
        }, Within, "the retries to answer");
        Assert.Equal($"message@1:hello (edited) 👍1[{bob}]", Describe(message));

        var history = await History(conversation, ann);
        Assert.Equal($"message@1:hello (edited) 👍1[{bob}]", Describe(history[0]));
        Assert.Equal(1, history.Count(m => m.Type == SyncEventTypes.Reaction));
        Assert.Equal(1, history.Count(m => m.Type == SyncEventTypes.Edited));
        await Eventually.True(async () => { await bobs.PullAll(); return bobs.Events.Count(e => SyncEventTypes.IsChange(e.Type)) == 2; }, Within, "bob's two changes");
        Assert.Equal(3, (await conversation.Get(ann)).LastSeq);
    }

    public void Dispose() => _data.Dispose();
}
