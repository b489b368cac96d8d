namespace Seqline.Conversations;

/// <summary>
/// Which recalls a member may make, decided from the stored message alone (no I/O): of a message
/// that is stored and not trimmed, by its sender, within the recall window; recalling a tombstone
/// again is allowed at any time (it makes sure the recall went out). A recalled message is a
/// tombstone: same seq, same time, no body, no content, no quote.
/// </summary>
public static class RecallRules
{
    /// <summary>Refuses a seq the conversation does not hold: beyond its head, or trimmed.</summary>
    public static void RequireHeld(string conversationId, long seq, long trimmedThrough, long head)
    {
        if (seq <= trimmedThrough || seq > head) throw SeqlineException.NotFound($"'{conversationId}' has no message {seq}.");
    }

    /// <summary>The tombstone <paramref name="userId"/> may make of <paramref name="message"/> now, or the refusal.</summary>
    public static ChatMessage Recall(ChatMessage message, string userId, DateTimeOffset now, TimeSpan window)
    {
        if (message.Type is not null) throw SeqlineException.Forbidden("A notice of a role or title change cannot be recalled.");
        if (message.SenderId != userId) throw SeqlineException.Forbidden("Only the sender may recall a message.");
        if (!message.Recalled && now - message.SentAt > window)
            throw SeqlineException.Forbidden($"Messages can be recalled for {window.TotalHours:0.#} hours after sending.");
        return Tombstone(message);
    }

    // Whatever the message said goes: its body, its content (an image's URL) and what it quoted.
    public static ChatMessage Tombstone(ChatMessage message) => message with { Body = "", Recalled = true, Quote = null, Content = null };
}
