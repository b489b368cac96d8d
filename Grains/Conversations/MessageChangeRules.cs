using System.Globalization;
using System.Text;
using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>
/// Which edits and reactions a member may make, decided from the stored message alone (no I/O), and
/// what a change notice does to the message it names. A message's sender edits it within the edit
/// window; any member reacts, within the reaction limits. Neither touches a notice (403) or a
/// recalled message (409). A change that would change nothing is no change (null or false): the
/// caller answers with the message as it is, so a retry of a change that landed succeeds and is
/// never applied twice.
/// </summary>
public static class MessageChangeRules
{
    /// <summary>Longest emoji, in UTF-8 bytes: room for a family or a flag sequence with modifiers.</summary>
    public const int MaxEmojiBytes = 64;

    /// <summary>An edit's new body: as for a send, not blank and at most <c>MaxBodyBytes</c>.</summary>
    public static void RequireBody(string? body, SeqlineLimits limits)
    {
        if (string.IsNullOrWhiteSpace(body)) throw SeqlineException.Invalid("body must not be empty.");
        if (Encoding.UTF8.GetByteCount(body) > limits.MaxBodyBytes)
            throw SeqlineException.TooLarge($"body must be at most {limits.MaxBodyBytes} bytes of UTF-8.");
    }

    /// <summary>
    /// A reaction is one emoji: one user-perceived character (a grapheme cluster, so sequences joined
    /// with ZWJ, skin tones and flags count as one), at most <see cref="MaxEmojiBytes"/>, with no
    /// control characters or white space.
    /// </summary>
    public static void RequireEmoji(string? emoji)
    {
        if (string.IsNullOrEmpty(emoji)) throw SeqlineException.Invalid("emoji must not be empty.");
        if (Encoding.UTF8.GetByteCount(emoji) > MaxEmojiBytes) throw SeqlineException.Invalid($"emoji must be at most {MaxEmojiBytes} bytes of UTF-8.");
        for (var rest = emoji.AsSpan(); !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
                throw SeqlineException.Invalid("emoji must be valid UTF-16.");
            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune)) throw SeqlineException.Invalid("emoji must not hold control characters or white space.");
            rest = rest[used..];
        }
        if (new StringInfo(emoji).LengthInTextElements != 1) throw SeqlineException.Invalid("emoji must be one emoji.");
    }

    /// <summary>
    /// Whether <paramref name="userId"/> may edit <paramref name="message"/> to <paramref name="body"/>
    /// now: false when it has that body already (nothing to do).
    /// </summary>
    public static bool MayEdit(ChatMessage message, string userId, string body, DateTimeOffset now, TimeSpan window, bool recallPending)
    {
        if (message.Type is not null) throw SeqlineException.Forbidden("A notice cannot be edited.");
        if (message.SenderId != userId) throw SeqlineException.Forbidden("Only the sender may edit a message.");
        RequireNotRecalled(message, recallPending);
        if (now - message.SentAt > window) throw SeqlineException.Forbidden($"Messages can be edited for {window.TotalHours:0.#} hours after sending.");
        return message.Body != body;
    }

    /// <summary>
    /// Whether <paramref name="userId"/> adding (<paramref name="add"/>) or taking back
    /// <paramref name="emoji"/> changes <paramref name="message"/>: false when they gave it already,
    /// or never did. An addition past a limit is <c>too_large</c>.
    /// </summary>
    public static bool MayReact(ChatMessage message, string userId, string emoji, bool add, SeqlineLimits limits, bool recallPending)
    {
        if (message.Type is not null) throw SeqlineException.Forbidden("A notice takes no reactions.");
        RequireNotRecalled(message, recallPending);
        var reactions = message.Reactions ?? [];
        var given = reactions.FirstOrDefault(r => r.Emoji == emoji)?.Users.Contains(userId) == true;
        if (!add || given) return add != given;
        if (reactions.Count(r => r.Users.Contains(userId)) >= limits.MaxReactionsPerUser)
            throw SeqlineException.TooLarge($"A member may give one message at most {limits.MaxReactionsPerUser} reactions.");
        if (reactions.All(r => r.Emoji != emoji) && reactions.Count >= limits.MaxReactionKinds)
            throw SeqlineException.TooLarge($"A message may carry at most {limits.MaxReactionKinds} different reactions.");
        if (reactions.Sum(r => r.Count) >= limits.MaxReactionsPerMessage)
            throw SeqlineException.TooLarge($"A message may carry at most {limits.MaxReactionsPerMessage} reactions.");
        return true;
    }

    /// <summary>
    /// The message after a change notice: an edit sets the body and when; a reaction adds or removes
    /// its giver under its emoji (an emoji nobody gives any more goes). Applying a notice twice gives
    /// the same message, and a recalled message stays a tombstone, so a notice applied again after a
    /// crash does no harm.
    /// </summary>
    public static ChatMessage Apply(ChatMessage message, ChatMessage notice)
    {
        if (message.Recalled || message.Type is not null) return message;
        switch (notice.Type)
        {
            case SyncEventTypes.Edited:
                return message with { Body = notice.Body, EditedAt = notice.SentAt };
            case SyncEventTypes.Reaction when notice.Emoji is { } emoji:
                var reactions = (message.Reactions ?? []).ToList();
                var at = reactions.FindIndex(r => r.Emoji == emoji);
                var users = at < 0 ? [] : reactions[at].Users.ToList();
                if (notice.Removed == true) users.Remove(notice.SenderId);
                else if (!users.Contains(notice.SenderId)) users.Add(notice.SenderId);
                if (at < 0 && users.Count > 0) reactions.Add(new Reaction(emoji, users));
                else if (at >= 0 && users.Count > 0) reactions[at] = new Reaction(emoji, users);
                else if (at >= 0) reactions.RemoveAt(at);
                return message with { Reactions = reactions.Count > 0 ? reactions : null };
            default:
                return message;
        }
    }

    // A recall waiting to be written counts as done: the change would otherwise race the tombstone.
    private static void RequireNotRecalled(ChatMessage message, bool recallPending)
    {
        if (message.Recalled || recallPending) throw new SeqlineException(ErrorCode.Conflict, "The message was recalled.");
    }
}
