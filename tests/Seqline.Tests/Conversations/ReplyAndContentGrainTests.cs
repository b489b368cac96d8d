using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Conversations;

/// <summary>
/// Replies and typed content through the conversation grain: the quote is stored with the reply and
/// comes back from history and every member's inbox; a retry keeps its seq; each refusal stores nothing.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class ReplyAndContentGrainTests(MemoryCluster cluster)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private const string Png = """{"url":"https://cdn.example/cat.png","size":1234,"mediaType":"image/png","name":"cat.png"}""";

    private IConversationGrain Conversation(string id) => cluster.Grains.GetGrain<IConversationGrain>(id);

    private async Task<(string Id, string Ann, string Bob)> NewGroup()
    {
        var (id, ann, bob) = (Ids.Conversation(), Ids.User("ann"), Ids.User("bob"));
        await Conversation(id).Create(new NewConversation(ann, [bob], "team", ConversationKind.Group));
        return (id, ann, bob);
    }

    private async Task<IReadOnlyList<ChatMessage>> History(string id, string user) => (await Conversation(id).ReadAfter(user, 0, 1000)).Messages;

    [Fact]
    public async Task A_reply_stores_its_quote_which_history_and_the_inboxes_return_and_a_retry_keeps_its_seq()
    {
        var (id, ann, bob) = await NewGroup();
        var bobsPhone = await new TestDevice(cluster.Grains, bob).Connect();
        var longBody = "Lunch at noon? " + new string('x', 200);
        await Conversation(id).Send(new OutgoingMessage(ann, "a1", longBody));
        await Conversation(id).Send(new OutgoingMessage(ann, "a2", "", ContentType: "image", Content: Png));

        var reply = new OutgoingMessage(bob, "b1", "yes!", ReplyTo: 1);
        var receipt = await Conversation(id).Send(reply);
        Assert.Equal(3, receipt.Seq);
        var imageReply = await Conversation(id).Send(new OutgoingMessage(bob, "b2", "nice cat", ReplyTo: 2));
        // A retry, even one naming another seq, is the original send.
        var retry = await Conversation(id).Send(reply with { ReplyTo = 2, Body = "changed" });
        Assert.Equal((3L, true), (retry.Seq, retry.Duplicate));

        var history = await History(id, ann);
        Assert.Equal(4, history.Count);
        var stored = history[2];
        Assert.Equal(("yes!", 1L), (stored.Body, stored.ReplyTo));
        Assert.Equal(new MessageQuote(ann, ReplyRules.Snippet(longBody)), stored.Quote);
        Assert.EndsWith("…", stored.Quote!.Snippet);
        Assert.Equal(new MessageQuote(ann, "[image: cat.png]", "image"), history[3].Quote);
        Assert.Equal(("image", "[image: cat.png]", Png), (history[1].ContentType, history[1].Body, history[1].Content));
        Assert.Equal(4, imageReply.Seq);

        await bobsPhone.PullUntil(id, 4, Within);
        var events = bobsPhone.Events.Where(e => e.Type == SyncEventTypes.Message).ToList();
        Assert.Equal((1L, stored.Quote), (events[2].ReplyTo, events[2].Quote));
        Assert.Equal(("image", Png), (events[1].ContentType, events[1].Content));
        Assert.Null(events[0].ContentType);
    }

    [Fact]
    public async Task A_reply_to_a_recalled_message_quotes_nothing_and_recalling_a_typed_message_drops_its_content_everywhere()
    {
        var (id, ann, bob) = await NewGroup();
        var bobsStart = (await new TestDevice(cluster.Grains, bob).Connect()).Cursor!;
        await Conversation(id).Send(new OutgoingMessage(ann, "a1", "oops", ContentType: "file",
            Content: """{"url":"https://files.example/x.pdf","size":10,"mediaType":"application/pdf"}"""));
        await Conversation(id).Recall(ann, 1);
        await Conversation(id).Send(new OutgoingMessage(bob, "b1", "what was it?", ReplyTo: 1));

        var history = await History(id, bob);
        Assert.Equal((true, "", (string?)null), (history[0].Recalled, history[0].Body, history[0].Content));
        Assert.Equal(new MessageQuote(ann, "", "file", Recalled: true), history[1].Quote);

        // The message may reach bob's inbox before the recall does (the recall follows its message,
        // and the reply may come between): once the recall is there, a device that syncs from where
        // bob started finds the body and the content nowhere.
        static bool Bare(SyncEvent e) => e.Content is null && e.Body != "oops";
        TestDevice device = null!;
        await Eventually.True(async () =>
        {
            device = new TestDevice(cluster.Grains, bob, bobsStart);
            await device.PullAll();
            // The reply too: its copy may still be on its way to bob's inbox after the recall's.
            return device.Events.Any(e => e.Type == SyncEventTypes.Recall && e.Seq == 1) && device.MessageSeqs(id).Contains(2)
                && device.Events.All(Bare);
        }, Within, "bob's inbox to hear of the recall, blank its copy and have the reply");
        Assert.Equal([1L, 2L], device.MessageSeqs(id));
        Assert.All(device.Events, e => Assert.True(Bare(e), $"{e} keeps the recalled body or content"));
    }

    [Fact]
    public async Task Recalling_a_message_blanks_its_quote_in_the_replies_in_history_and_in_every_inbox_copy()
    {
        var (id, ann, bob) = await NewGroup();
        // Where each user's devices start: a device that syncs from here later reads every copy.
        var start = new Dictionary<string, string>
        {
            [ann] = (await new TestDevice(cluster.Grains, ann).Connect()).Cursor!,
            [bob] = (await new TestDevice(cluster.Grains, bob).Connect()).Cursor!,
        };
        await Conversation(id).Send(new OutgoingMessage(ann, "a1", "the secret plan"));
        await Conversation(id).Send(new OutgoingMessage(bob, "b1", "love it", ReplyTo: 1));
        await Conversation(id).Send(new OutgoingMessage(ann, "a2", "something else"));
        await Conversation(id).Send(new OutgoingMessage(bob, "b2", "wait, that plan?", ReplyTo: 1));
        await Conversation(id).Send(new OutgoingMessage(bob, "b3", "and this", ReplyTo: 3));
        // Bob takes his second reply back first: it stays a tombstone, quoting nothing.
        await Conversation(id).Recall(bob, 4);

        await Conversation(id).Recall(ann, 1);

        var blank = new MessageQuote(ann, "", Recalled: true);
        var history = await History(id, bob);
        Assert.Equal(blank, history[1].Quote);
        Assert.Equal((true, (MessageQuote?)null), (history[3].Recalled, history[3].Quote));
        Assert.Equal(new MessageQuote(ann, "something else"), history[4].Quote);
        // Each inbox blanks its copies as the recall reaches it: a device that syncs from scratch
        // finds the quote blank, and the secret nowhere.
        foreach (var user in new[] { ann, bob })
        {
            await Eventually.True(async () =>
            {
                var fresh = new TestDevice(cluster.Grains, user, start[user]);
                await fresh.PullAll();
                return fresh.Events.Any(e => e.Type == SyncEventTypes.Message && e.Seq == 2 && e.Quote == blank);
            }, Within, $"{user}'s copy of the reply to quote nothing");
            var device = new TestDevice(cluster.Grains, user, start[user]);
            await device.PullAll();
            var copies = device.Events.Where(e => e.ConversationId == id && e.Type == SyncEventTypes.Message).ToList();
            Assert.DoesNotContain(copies, e => e.Body!.Contains("secret") || e.Quote?.Snippet.Contains("secret") == true);
            Assert.Equal(new MessageQuote(ann, "something else"), copies.Single(e => e.Seq == 5).Quote);
            Assert.Null(copies.Single(e => e.Seq == 4).Quote);
        }
    }

    [Fact]
    public async Task Replies_to_seqs_the_conversation_does_not_hold_or_to_notices_are_refused_and_nothing_is_stored()
    {
        var (id, ann, bob) = await NewGroup();
        await Conversation(id).Send(new OutgoingMessage(ann, "a1", "one"));
        await Conversation(id).SetTitle(ann, "renamed"); // seq 2, a notice
        await Conversation(id).Send(new OutgoingMessage(ann, "a3", "three"));

        foreach (var (replyTo, code) in new[] { (0L, ErrorCode.NotFound), (4L, ErrorCode.NotFound), (99L, ErrorCode.NotFound), (2L, ErrorCode.Invalid) })
        {
            var refusal = await Assert.ThrowsAsync<SeqlineException>(() => Conversation(id).Send(new OutgoingMessage(bob, $"r{replyTo}", "re", ReplyTo: replyTo)));
            Assert.Equal(code, refusal.Code);
        }
        Assert.Equal(3, (await History(id, ann)).Count);
        // A refused send is not remembered: the same clientMsgId, now valid, is stored.
        Assert.Equal(4, (await Conversation(id).Send(new OutgoingMessage(bob, "r4", "re", ReplyTo: 3))).Seq);
    }

    [Fact]
    public async Task A_reply_to_a_trimmed_message_is_not_found()
    {
        var (id, ann, bob) = await NewGroup();
        for (var i = 1; i <= 3; i++) await Conversation(id).Send(new OutgoingMessage(ann, $"a{i}", $"m{i}"));
        // Retention trims under the conversation (its mark moves once the trim is done).
        await MemoryCluster.Conversations.TrimThroughAsync(id, 2, 100);

        var refusal = await Assert.ThrowsAsync<SeqlineException>(() => Conversation(id).Send(new OutgoingMessage(bob, "b1", "re", ReplyTo: 1)));
        Assert.Equal(ErrorCode.NotFound, refusal.Code);
        Assert.Equal(3, (await Conversation(id).ReadAfter(ann, 2, 100)).Messages[^1].Seq);
        Assert.Equal(4, (await Conversation(id).Send(new OutgoingMessage(bob, "b2", "re", ReplyTo: 3))).Seq);
    }

    [Fact]
    public async Task Bad_content_is_refused_with_its_code_and_nothing_is_stored()
    {
        var (id, ann, _) = await NewGroup();
        var sends = new (OutgoingMessage Message, ErrorCode Code)[]
        {
            (new(ann, "c1", "b", ContentType: "video", Content: Png), ErrorCode.Invalid),
            (new(ann, "c2", "b", ContentType: "image", Content: "{not json"), ErrorCode.Invalid),
            (new(ann, "c3", "b", ContentType: "image", Content: Png.Replace("https://cdn.example", "file://")), ErrorCode.Invalid),
            (new(ann, "c4", "b", ContentType: "x-big", Content: $$"""{"pad":"{{new string('p', 5000)}}"}"""), ErrorCode.TooLarge),
        };
        foreach (var (message, code) in sends)
            Assert.Equal(code, (await Assert.ThrowsAsync<SeqlineException>(() => Conversation(id).Send(message))).Code);
        Assert.Empty(await History(id, ann));
    }
}
