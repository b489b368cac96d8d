using Microsoft.Extensions.Options;
using Seqline.Api.Auth;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Presence;

namespace Seqline.Api.Presence;

/// <summary>
/// Forwards a member's typing to the other members' inboxes, which hand it only to the edge nodes
/// where that member has a device connected now (on any node of the cluster) and otherwise drop it.
/// Nothing is stored. Per notice: one membership read of the conversation (an interleaving call
/// that touches no store) and one one-way call per other member; none in read fan-out or above
/// <see cref="PresenceOptions.TypingMaxMembers"/>.
/// </summary>
public sealed class TypingRelay(IGrainFactory grains, IOptions<PresenceOptions> options, TimeProvider clock)
{
    /// <summary>The per-connection throttle, kept in the connection's items.</summary>
    public TypingThrottle NewThrottle() => new(options.Value.TypingInterval, clock);

    /// <summary>
    /// Forwards <paramref name="userId"/>'s typing in the conversation: false when dropped (too soon
    /// after the last one, or a conversation where typing is not shown). A caller who is not a member
    /// is refused as for any conversation call (<see cref="ErrorCode.NotFound"/>).
    /// </summary>
    public async Task<bool> Typing(string userId, string? conversationId, TypingThrottle throttle)
    {
        var id = ConversationAccess.RequireId(conversationId);
        if (!throttle.MayForward(id)) return false;
        var conversation = await grains.AsMember(userId, id, c => c.Get(userId));
        // Recorded only once the caller proved a member: a refusal does not silence a later notice.
        throttle.Forwarded(id);
        if (conversation.Fanout == FanoutMode.Read || conversation.Members.Count > options.Value.TypingMaxMembers) return false;
        var notice = new TypingNotice(id, userId, (int)options.Value.TypingExpiry.TotalMilliseconds);
        foreach (var member in conversation.Members)
            if (member != userId) await grains.Reference<IInboxPresence>(member).Typing(notice);
        return true;
    }
}
