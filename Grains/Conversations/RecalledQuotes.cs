using Seqline.Timelines;

namespace Seqline.Conversations;

/// <summary>
/// Blanks the quote of a recalled message in the replies the conversation's timeline stores, so
/// that history and read-fan-out sync show no more of it than the tombstone does. Replies come
/// after what they quote, so the scan reads forward from the recalled seq to the end of what is
/// stored (which may be past the head the conversation has taken note of: an append that just
/// ended). Replies not stored yet are the send path's (<see cref="ConversationSends.Recalled"/>). A recall is
/// rare, and the scan is bounded, since it runs inside the recall call and holds the conversation's
/// other calls back. Run inside the recall call, not by the fan-out loop, so no edit or reaction
/// of a reply (calls, which do not interleave) can rewrite the same message meanwhile.
/// </summary>
internal static class RecalledQuotes
{
    private const int ScanPage = 256;

    /// <summary>The most entries after the recalled one that are looked at: replies further on keep their quote.</summary>
    public const int MaxScan = 20_000;

    public static async Task Blank(ITimelineStore timeline, string conversationId, long recalled)
    {
        try
        {
            for (long after = recalled, scanned = 0; scanned < MaxScan;)
            {
                var entries = await timeline.ReadAfterAsync(conversationId, after, ScanPage);
                if (entries.Count == 0) return;
                scanned += entries.Count;
                foreach (var entry in entries)
                {
                    var message = MessageCodec.ToMessage(conversationId, entry);
                    if (message.ReplyTo == recalled && message.Quote is { Recalled: not true } quote)
                        await timeline.ReplaceAsync(conversationId, MessageCodec.ToEntry(message with { Quote = ReplyRules.RecalledQuote(quote) }));
                }
                after = entries[^1].Seq;
            }
        }
        catch (TimelineTrimmedException)
        {
            // Trimmed meanwhile: the replies are gone with it.
        }
    }
}
