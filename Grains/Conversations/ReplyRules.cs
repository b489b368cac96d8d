using System.Globalization;

namespace Seqline.Conversations;

/// <summary>
/// Which messages a send may reply to, and the quote a reply keeps, decided from the stored
/// original alone (no I/O). The original must be held by the conversation (1 ≤ seq ≤ head, not
/// trimmed: else <c>not_found</c>, as for a recall) and be a message, not a notice (<c>invalid</c>).
/// A reply to a recalled message is allowed and quotes nothing of it: its quote is marked recalled,
/// with an empty snippet. The quote is a copy made when the reply is sent, stored with the reply,
/// so history and sync return it without reading the original again. A later edit of the original
/// does not change it (clients that hold the original show it as it is now); a later recall blanks
/// it in the stored replies and their inbox copies (<see cref="RecalledQuote"/>), as it blanks the original.
/// </summary>
public static class ReplyRules
{
    /// <summary>Most characters (text elements: an emoji or an accented letter is one) a quote keeps of the original's body.</summary>
    public const int QuoteLength = 100;

    /// <summary>Refuses a seq the conversation does not hold: not positive, beyond its head, or trimmed.</summary>
    public static void RequireHeld(string conversationId, long replyTo, long trimmedThrough, long head)
    {
        if (replyTo < 1 || replyTo <= trimmedThrough || replyTo > head)
            throw SeqlineException.NotFound($"'{conversationId}' has no message {replyTo} to reply to.");
    }

    /// <summary>The quote of <paramref name="original"/> a reply stores, or the refusal of a notice.</summary>
    public static MessageQuote Quote(ChatMessage original)
    {
        if (original.Type is not null) throw SeqlineException.Invalid($"Seq {original.Seq} is a notice, not a message: it cannot be replied to.");
        return original.Recalled
            ? new MessageQuote(original.SenderId, "", original.ContentType, Recalled: true)
            : new MessageQuote(original.SenderId, Snippet(original.Body), original.ContentType);
    }

    /// <summary>What a quote keeps once its original is recalled: who sent it, and that it was recalled.</summary>
    public static MessageQuote RecalledQuote(MessageQuote quote) => quote with { Snippet = "", Recalled = true };

    /// <summary>The start of <paramref name="body"/>, cut between text elements (never inside a surrogate pair or a combined character), "…" when cut.</summary>
    public static string Snippet(string body)
    {
        if (body.Length <= QuoteLength) return body;
        var end = 0;
        for (var count = 0; count < QuoteLength && end < body.Length; count++) end += StringInfo.GetNextTextElementLength(body, end);
        return end >= body.Length ? body : body[..end] + "…";
    }
}
