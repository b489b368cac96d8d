using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Samples.Announcer;

/// <summary>What was announced: the conversation it went to, and the message as stored.</summary>
public sealed record Announcement(string ConversationId, SendReceipt Receipt);

/// <summary>
/// A service that posts announcements to users as a user of its own (a bot account), calling the
/// grains directly: it creates a group with the users and sends into it. Everything the edge
/// would check is checked by the grains too, so the service gets the same refusals
/// (<see cref="SeqlineException"/>) an app would.
/// </summary>
public sealed class Announcer(IClusterClient cluster)
{
    /// <summary>
    /// Starts a group of <paramref name="senderId"/> and <paramref name="recipients"/> titled
    /// <paramref name="title"/> and posts <paramref name="text"/> into it. The message is durable when
    /// this returns; the recipients' devices get it by push or at their next sync.
    /// </summary>
    /// <param name="announcementId">
    /// The service's own id for this announcement, used as the clientMsgId: posting the same
    /// announcement again after a crash returns the original seq instead of a second message.
    /// </param>
    public async Task<Announcement> AnnounceAsync(string senderId, IReadOnlyList<string> recipients, string title, string announcementId, string text)
    {
        var conversationId = "g-" + Guid.NewGuid().ToString("N");
        var conversation = cluster.GetGrain<IConversationGrain>(conversationId);
        await conversation.Create(new NewConversation(senderId, recipients, title, ConversationKind.Group));
        var receipt = await conversation.Send(new OutgoingMessage(senderId, announcementId, text));
        return new Announcement(conversationId, receipt);
    }

    /// <summary>Posts into a conversation the sender is already in; a retry with the same id is not posted twice.</summary>
    public Task<SendReceipt> PostAsync(string senderId, string conversationId, string announcementId, string text) =>
        cluster.GetGrain<IConversationGrain>(conversationId).Send(new OutgoingMessage(senderId, announcementId, text));

    /// <summary>The newest messages of a conversation, as its member <paramref name="userId"/> may read them.</summary>
    public async Task<IReadOnlyList<ChatMessage>> LatestAsync(string userId, string conversationId, int count) =>
        (await cluster.GetGrain<IConversationGrain>(conversationId).ReadBefore(userId, before: null, count)).Messages;

    /// <summary>A user's conversation list (as their devices see it), e.g. to tell whether an announcement is still unread.</summary>
    public Task<IReadOnlyList<ConversationSummary>> ConversationsOfAsync(string userId) =>
        cluster.GetGrain<IInboxOwner>(userId).GetConversations();
}
