using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Api.Auth;

/// <summary>
/// The edge's rules for a conversation id a caller names, in one place for HTTP and the hub. The id
/// must be a valid id (else <c>invalid</c>). A conversation the caller may not see answers exactly
/// as one that does not exist (<c>not_found</c>, the same words): a direct conversation's id follows
/// from the pair, so anything else would tell a stranger whether two users talk. A member refused
/// by a rule (another user's message, the recall window) still gets <c>forbidden</c>.
/// </summary>
public static class ConversationAccess
{
    /// <summary>The conversation id, or <see cref="ErrorCode.Invalid"/>.</summary>
    public static string RequireId(string? conversationId) => Identifiers.RequireId(conversationId, "conversationId");

    /// <summary>A call to the conversation on behalf of <paramref name="userId"/>.</summary>
    public static Task<T> AsMember<T>(this IGrainFactory grains, string userId, string? conversationId, Func<IConversationGrain, Task<T>> call)
    {
        var id = RequireId(conversationId);
        var conversation = grains.Reference<IConversationGrain>(id);
        return Visible(conversation, userId, id, () => call(conversation));
    }

    /// <summary>A call to <paramref name="userId"/>'s own inbox about the conversation (read markers, hiding, clearing).</summary>
    public static Task<T> InInbox<T>(this IGrainFactory grains, string userId, string? conversationId, Func<IInboxOwner, string, Task<T>> call)
    {
        var id = RequireId(conversationId);
        return Visible(grains.Reference<IConversationGrain>(id), userId, id, () => call(grains.Reference<IInboxOwner>(userId), id));
    }

    /// <summary>The one answer for a conversation that does not exist and for one the caller is not in.</summary>
    public static SeqlineException NotFound(string conversationId) => SeqlineException.NotFound($"Conversation '{conversationId}' does not exist.");

    // Refusals are rare, so the question "is the caller a member at all?" is asked only after one:
    // the answer decides whether the refusal may be told (a member's) or must read as not found.
    // Both unknown and unseen conversations take the same two calls to answer.
    private static async Task<T> Visible<T>(IConversationGrain conversation, string userId, string id, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SeqlineException refusal) when (refusal.Code is ErrorCode.Forbidden or ErrorCode.NotFound)
        {
            if (await IsMember(conversation, userId)) throw;
            throw NotFound(id);
        }
    }

    private static async Task<bool> IsMember(IConversationGrain conversation, string userId)
    {
        try
        {
            await conversation.Get(userId);
            return true;
        }
        catch (SeqlineException refusal) when (refusal.Code is ErrorCode.Forbidden or ErrorCode.NotFound)
        {
            return false;
        }
    }
}
