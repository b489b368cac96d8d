using Orleans.Concurrency;
using Seqline.Presence;

namespace Seqline.Inboxes;

/// <summary>
/// The inbox role for typing and presence, used by the edge. Nothing here appends to the sync
/// timeline: typing goes only to the edge nodes registered now (<see cref="IInboxPush"/>), presence is
/// read from those registrations, and last seen is saved only with the inbox's own checkpoints.
/// </summary>
[Alias("Seqline.Inboxes.IInboxPresence")]
public interface IInboxPresence : IGrainWithStringKey
{
    /// <summary>
    /// Hands <paramref name="notice"/> to the edge nodes with a device of this user connected; with
    /// none, it is dropped. Never stored. Interleaves: it only reads the registrations.
    /// </summary>
    [OneWay, AlwaysInterleave, Alias("Typing")]
    Task Typing(TypingNotice notice);

    /// <summary>The ids of the user's conversations, to find whom the user shares one with.</summary>
    [AlwaysInterleave, Alias("ConversationIds")]
    Task<IReadOnlyList<string>> ConversationIds();

    /// <summary>
    /// This user's presence as seen by someone in <paramref name="viewerConversations"/>; null when
    /// none of them is one of this user's (the viewer may not see it).
    /// </summary>
    [AlwaysInterleave, Alias("GetPresence")]
    Task<PresenceView?> GetPresence(IReadOnlyList<string> viewerConversations);

    /// <summary>The user's own presence, hidden or not.</summary>
    [AlwaysInterleave, Alias("GetOwnPresence")]
    Task<PresenceView> GetOwnPresence();

    [AlwaysInterleave, Alias("GetSettings")]
    Task<UserSettings> GetSettings();

    /// <summary>Changes the settings durably (one state write, none when nothing changes).</summary>
    [Alias("ChangeSettings")]
    Task<UserSettings> ChangeSettings(UserSettings settings);
}
