using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Api.Endpoints;

/// <summary>
/// A user's view of a conversation's history: what they hid or cleared stays out of it on every
/// device. Pages are filled past hidden messages, so a page comes back short only at the end of
/// what the user can see, and paging on from its first (or last) message never misses anything.
/// </summary>
internal static class VisibleHistory
{
    public static async Task<MessagePage> Before(IConversationGrain conversation, string userId, HiddenMessages hidden, long? before, int limit)
    {
        var visible = new List<ChatMessage>(limit);
        // Each round moves `before` down, and at most MaxHidden messages can be hidden: bounded.
        while (true)
        {
            var page = await conversation.ReadBefore(userId, before, limit - visible.Count);
            visible.InsertRange(0, page.Messages.Where(m => Shown(m, hidden)));
            var hasMore = page.HasMore && page.Messages.Count > 0 && page.Messages[0].Seq > hidden.ClearedThrough + 1;
            if (!hasMore || visible.Count >= limit) return new MessagePage(visible, hasMore);
            before = page.Messages[0].Seq;
        }
    }

    public static async Task<MessagePage> After(IConversationGrain conversation, string userId, HiddenMessages hidden, long after, int limit)
    {
        var visible = new List<ChatMessage>(limit);
        // A negative position is the grain's to refuse; everything up to the clear is out of view.
        if (after >= 0) after = Math.Max(after, hidden.ClearedThrough);
        while (true)
        {
            var page = await conversation.ReadAfter(userId, after, limit - visible.Count);
            visible.AddRange(page.Messages.Where(m => Shown(m, hidden)));
            if (!page.HasMore || page.Messages.Count == 0 || visible.Count >= limit) return new MessagePage(visible, page.HasMore);
            after = page.Messages[^1].Seq;
        }
    }

    private static bool Shown(ChatMessage m, HiddenMessages hidden) => m.Seq > hidden.ClearedThrough && !hidden.Hidden.Contains(m.Seq);
}
