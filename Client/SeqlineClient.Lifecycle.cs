using Seqline.Client.Internal;
namespace Seqline.Client;

// What happens to a message after it is sent: the sender recalls it for everyone, a user hides or clears
// it for all of their own devices. Each is safe to repeat, so each is retried like a send.
public sealed partial class SeqlineClient
{
    /// <summary>Recalls one of the user's own messages for every member: its body is removed, its seq stays.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The message's seq.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tombstone: <see cref="Message.Recalled"/> set and an empty body.</returns>
    /// <remarks>
    /// Every member's devices get a <see cref="SyncEventTypes.Recall"/> event (<see cref="MessageRecalled"/>).
    /// Recalling a recalled message returns the tombstone again.
    /// </remarks>
    /// <exception cref="SeqlineApiException">403 when the user is not the sender or the recall window is over; 404 when there is no such message, or the user is not a member.</exception>
    public Task<Message> RecallAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.RecallAsync(conversationId, seq, ct), cancellationToken);
    }

    /// <summary>Edits one of the user's own messages for every member, within the server's edit window (24 h by default).</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The message's seq.</param>
    /// <param name="body">Its new text, under the same rules as a send's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message as stored now: the new body and <see cref="Message.EditedAt"/>.</returns>
    /// <remarks>
    /// Every member's devices get a <see cref="SyncEventTypes.Edited"/> event (<see cref="MessageEdited"/>). An edit to the body the
    /// message has changes nothing, so a retry is harmless.
    /// </remarks>
    /// <exception cref="SeqlineApiException">403 when the user is not the sender, the window is over or the entry is a notice; 409 when the message was recalled; 404 when there is no such message, or the user is not a member.</exception>
    public Task<Message> EditAsync(string conversationId, long seq, string body, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(body);
        return _retry.ExecuteAsync(ct => _api.EditAsync(conversationId, seq, new EditMessageRequest(body), ct), cancellationToken);
    }

    /// <summary>Reacts to a message with one emoji, for every member to see.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The message's seq.</param>
    /// <param name="emoji">One emoji (a single character, however many code points).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message as stored now, with its <see cref="Message.Reactions"/>.</returns>
    /// <remarks>
    /// Every member's devices get a <see cref="SyncEventTypes.Reaction"/> event (<see cref="ReactionChanged"/>). A reaction the user
    /// gave already changes nothing, so a retry is harmless.
    /// </remarks>
    /// <exception cref="SeqlineApiException">400 for anything but one emoji; 413 over a reaction limit; 403 for a notice; 409 for a recalled message; 404 when there is no such message, or the user is not a member.</exception>
    public Task<Message> AddReactionAsync(string conversationId, long seq, string emoji, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(emoji);
        return _retry.ExecuteAsync(ct => _api.ReactAsync(conversationId, seq, emoji, add: true, ct), cancellationToken);
    }

    /// <summary>Takes back the user's reaction to a message; one the user never gave changes nothing.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The message's seq.</param>
    /// <param name="emoji">The emoji given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message as stored now, with its <see cref="Message.Reactions"/>.</returns>
    /// <exception cref="SeqlineApiException">As for <see cref="AddReactionAsync"/>.</exception>
    public Task<Message> RemoveReactionAsync(string conversationId, long seq, string emoji, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(emoji);
        return _retry.ExecuteAsync(ct => _api.ReactAsync(conversationId, seq, emoji, add: false, ct), cancellationToken);
    }

    /// <summary>Hides a message for the user only, on all their devices; other members still see it.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The message's seq.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conversation's row of the list.</returns>
    /// <remarks>The user's devices get a <see cref="SyncEventTypes.Hidden"/> event (<see cref="MessageHidden"/>); history leaves the message out.</remarks>
    /// <exception cref="SeqlineApiException">400 when the conversation has no such message; 404 when the user is not a member.</exception>
    public Task<ConversationSummary> HideAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.HideAsync(conversationId, seq, ct), cancellationToken);
    }

    /// <summary>Clears a conversation up to a seq for the user only, on all their devices, and marks that much read.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="throughSeq">The newest seq to clear; beyond the last message, everything so far is cleared.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conversation's row of the list, with its new <see cref="ConversationSummary.ClearedThrough"/>.</returns>
    /// <remarks>The user's devices get a <see cref="SyncEventTypes.Cleared"/> event (<see cref="ConversationCleared"/>); history leaves the cleared messages out.</remarks>
    public Task<ConversationSummary> ClearAsync(string conversationId, long throughSeq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.ClearAsync(conversationId, throughSeq, ct), cancellationToken);
    }

    /// <summary>Mutes or unmutes a conversation for the user, on all their devices: a muted one sends them no offline pushes.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="muted">True to mute, false to unmute.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conversation's row of the list, with its new <see cref="ConversationSummary.Muted"/>.</returns>
    /// <remarks>The user's devices get a <see cref="SyncEventTypes.Muted"/> or <see cref="SyncEventTypes.Unmuted"/> event; setting what is so already changes nothing.</remarks>
    /// <exception cref="SeqlineApiException">404 when the user is not a member.</exception>
    public Task<ConversationSummary> MuteAsync(string conversationId, bool muted, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.MuteAsync(conversationId, muted, ct), cancellationToken);
    }
}
