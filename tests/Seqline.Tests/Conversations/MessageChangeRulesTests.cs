using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Tests.Conversations;

/// <summary>Who may edit and react to which message, and what a change notice does to it, on its own, no cluster.</summary>
public sealed class MessageChangeRulesTests
{
    private static readonly DateTimeOffset SentAt = DateTimeOffset.UnixEpoch;
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private static readonly ChatMessage Message = new("c-edit", 7, "ann", "m7", SentAt, "helo");
    private static readonly SeqlineLimits Limits = new() { MaxReactionKinds = 3, MaxReactionsPerUser = 2, MaxReactionsPerMessage = 5, MaxBodyBytes = 10 };

    private static ErrorCode Refusal(Action call) => Assert.Throws<SeqlineException>(call).Code;

    private static ChatMessage Reaction(string user, string emoji, bool removed = false, long seq = 8) =>
        new("c-edit", seq, user, "", SentAt, "", Type: SyncEventTypes.Reaction, TargetSeq: 7, Emoji: emoji, Removed: removed ? true : null);

    private static ChatMessage With(params (string Emoji, string[] Users)[] reactions) =>
        Message with { Reactions = reactions.Select(r => new Reaction(r.Emoji, r.Users)).ToList() };

    [Fact]
    public void The_sender_edits_within_the_window_and_the_same_body_is_no_change()
    {
        Assert.True(MessageChangeRules.MayEdit(Message, "ann", "hello", SentAt + Window, Window, recallPending: false));
        Assert.False(MessageChangeRules.MayEdit(Message, "ann", "helo", SentAt, Window, recallPending: false));
    }

    [Fact]
    public void Nobody_else_edits_nor_after_the_window_nor_a_notice_nor_a_recalled_message()
    {
        Assert.Equal(ErrorCode.Forbidden, Refusal(() => MessageChangeRules.MayEdit(Message, "bob", "x", SentAt, Window, false)));
        Assert.Equal(ErrorCode.Forbidden, Refusal(() => MessageChangeRules.MayEdit(Message, "ann", "x", SentAt + Window + TimeSpan.FromMilliseconds(1), Window, false)));
        Assert.Equal(ErrorCode.Forbidden, Refusal(() => MessageChangeRules.MayEdit(Message with { Type = SyncEventTypes.Title }, "ann", "x", SentAt, Window, false)));
        Assert.Equal(ErrorCode.Conflict, Refusal(() => MessageChangeRules.MayEdit(RecallRules.Tombstone(Message), "ann", "x", SentAt, Window, false)));
        Assert.Equal(ErrorCode.Conflict, Refusal(() => MessageChangeRules.MayEdit(Message, "ann", "x", SentAt, Window, recallPending: true)));
    }

    [Theory]
    [InlineData("", ErrorCode.Invalid)]
    [InlineData("  ", ErrorCode.Invalid)]
    [InlineData("12345678901", ErrorCode.TooLarge)]
    public void An_edit_body_follows_the_send_rules(string body, ErrorCode code) =>
        Assert.Equal(code, Refusal(() => MessageChangeRules.RequireBody(body, Limits)));

    [Theory]
    [InlineData("👍")]
    [InlineData("❤️")]
    [InlineData("👨‍👩‍👧‍👦")]
    [InlineData("🇫🇷")]
    [InlineData("👍🏽")]
    [InlineData("+")]
    public void An_emoji_is_one_character_however_many_code_points(string emoji) => MessageChangeRules.RequireEmoji(emoji);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("👍👍")]
    [InlineData("ok")]
    [InlineData(" ")]
    [InlineData("\u0007")]
    [InlineData("👍\n")]
    [InlineData("\ud83d")]
    public void Anything_else_is_no_emoji(string? emoji) => Assert.Equal(ErrorCode.Invalid, Refusal(() => MessageChangeRules.RequireEmoji(emoji)));

    [Fact]
    public void An_emoji_longer_than_the_limit_is_refused() =>
        Assert.Equal(ErrorCode.Invalid, Refusal(() => MessageChangeRules.RequireEmoji(string.Concat(Enumerable.Repeat("👨\u200d", 12)) + "👨")));

    [Fact]
    public void A_reaction_given_already_or_never_given_is_no_change()
    {
        var liked = With(("👍", ["bob"]));
        Assert.True(MessageChangeRules.MayReact(Message, "bob", "👍", add: true, Limits, false));
        Assert.False(MessageChangeRules.MayReact(liked, "bob", "👍", add: true, Limits, false));
        Assert.True(MessageChangeRules.MayReact(liked, "bob", "👍", add: false, Limits, false));
        Assert.False(MessageChangeRules.MayReact(liked, "cat", "👍", add: false, Limits, false));
    }

    [Fact]
    public void Reactions_stop_at_each_limit_but_taking_one_back_always_works()
    {
        // cat has given two: her third is too many, bob's second is fine.
        var twice = With(("👍", ["cat"]), ("🎉", ["cat"]));
        Assert.Equal(ErrorCode.TooLarge, Refusal(() => MessageChangeRules.MayReact(twice, "cat", "😀", true, Limits, false)));
        Assert.True(MessageChangeRules.MayReact(twice, "bob", "😀", true, Limits, false));
        // Three kinds: a fourth is refused, one of the three is not.
        var three = With(("👍", ["cat"]), ("🎉", ["dan"]), ("😀", ["eve"]));
        Assert.Equal(ErrorCode.TooLarge, Refusal(() => MessageChangeRules.MayReact(three, "bob", "🙂", true, Limits, false)));
        Assert.True(MessageChangeRules.MayReact(three, "bob", "👍", true, Limits, false));
        // Five in all: a sixth is refused, even of a kind the message has.
        var five = With(("👍", ["a", "b", "c"]), ("🎉", ["d", "e"]));
        Assert.Equal(ErrorCode.TooLarge, Refusal(() => MessageChangeRules.MayReact(five, "bob", "👍", true, Limits, false)));
        Assert.True(MessageChangeRules.MayReact(five, "a", "👍", false, Limits, false));
    }

    [Fact]
    public void A_notice_takes_no_reactions_and_a_recalled_message_none_either()
    {
        Assert.Equal(ErrorCode.Forbidden, Refusal(() => MessageChangeRules.MayReact(Message with { Type = SyncEventTypes.Role }, "bob", "👍", true, Limits, false)));
        Assert.Equal(ErrorCode.Conflict, Refusal(() => MessageChangeRules.MayReact(RecallRules.Tombstone(Message), "bob", "👍", true, Limits, false)));
        Assert.Equal(ErrorCode.Conflict, Refusal(() => MessageChangeRules.MayReact(Message, "bob", "👍", false, Limits, recallPending: true)));
    }

    [Fact]
    public void Applying_notices_edits_and_lists_reactions_in_the_order_first_given_and_applying_again_changes_nothing()
    {
        var edit = new ChatMessage("c-edit", 8, "ann", "", SentAt.AddMinutes(1), "hello", Type: SyncEventTypes.Edited, TargetSeq: 7);
        var notices = new[] { edit, Reaction("bob", "👍"), Reaction("cat", "🎉"), Reaction("cat", "👍"), Reaction("bob", "👍", removed: true) };
        var once = notices.Aggregate(Message, MessageChangeRules.Apply);
        var twice = notices.Aggregate(once, MessageChangeRules.Apply);

        foreach (var result in new[] { once, twice })
        {
            Assert.Equal(("hello", SentAt.AddMinutes(1)), (result.Body, result.EditedAt));
            Assert.Equal(["👍:cat", "🎉:cat"], result.Reactions!.Select(r => $"{r.Emoji}:{string.Join(",", r.Users)}"));
        }
        // The last reaction taken back leaves no reactions at all.
        Assert.Null(new[] { Reaction("bob", "👍"), Reaction("bob", "👍", removed: true) }.Aggregate(Message, MessageChangeRules.Apply).Reactions);
    }

    [Fact]
    public void A_tombstone_stays_a_tombstone_whatever_is_applied()
    {
        var tombstone = RecallRules.Tombstone(Message);
        Assert.Same(tombstone, MessageChangeRules.Apply(tombstone, Reaction("bob", "👍")));
    }
}
