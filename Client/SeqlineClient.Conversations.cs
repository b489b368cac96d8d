using Seqline.Client.Internal;

namespace Seqline.Client;

public sealed partial class SeqlineClient
{
    /// <summary>Creates a conversation with the user and <paramref name="members"/>.</summary>
    /// <param name="members">The other members' user ids (the caller is added by the server).</param>
    /// <param name="title">An optional title.</param>
    /// <param name="kind"><see cref="ConversationKinds.Group"/>, or <see cref="ConversationKinds.Direct"/> with one other member.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <remarks>Not retried: repeating a group creation whose response was lost would create a second group.</remarks>
    public Task<Conversation> CreateConversationAsync(
        IEnumerable<string> members, string? title = null, string kind = ConversationKinds.Group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        return _api.CreateConversationAsync(new CreateConversationRequest([.. members], title, kind), cancellationToken);
    }

    /// <summary>
    /// Adds and removes members of a group the user belongs to: the owner and admins do (admins remove plain members
    /// only); any member may remove themselves. The owner leaving hands ownership to the longest-standing admin, else member.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="add">User ids to add, if any.</param>
    /// <param name="remove">User ids to remove, if any; the user's own id leaves the conversation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conversation with its new membership.</returns>
    /// <remarks>Retried on transient failures: adding a member twice or removing one twice changes nothing more.</remarks>
    public Task<Conversation> ChangeMembersAsync(
        string conversationId, IEnumerable<string>? add = null, IEnumerable<string>? remove = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var request = new ChangeMembersRequest(add?.ToArray(), remove?.ToArray());
        return _retry.ExecuteAsync(ct => _api.ChangeMembersAsync(conversationId, request, ct), cancellationToken);
    }

    /// <summary>Returns a conversation the user belongs to: its title, members, owner and admins.</summary>
    public Task<Conversation> GetConversationAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.GetConversationAsync(conversationId, ct), cancellationToken);
    }

    /// <summary>
    /// Gives a member of a group a role; the owner only. <see cref="MemberRoles.Owner"/> hands ownership over (the user becomes an
    /// admin). Every member gets a <see cref="SyncEventTypes.Role"/> event.
    /// </summary>
    /// <param name="conversationId">The group.</param>
    /// <param name="userId">The member.</param>
    /// <param name="role">One of <see cref="MemberRoles"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group with its new roles.</returns>
    /// <remarks>Retried on transient failures: giving a member the role they have changes nothing. Refused with 403 <c>forbidden</c> unless the user owns the group.</remarks>
    public Task<Conversation> SetRoleAsync(string conversationId, string userId, string role, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(role);
        return _retry.ExecuteAsync(ct => _api.SetRoleAsync(conversationId, userId, new SetRoleRequest(role), ct), cancellationToken);
    }

    /// <summary>Renames a group (null removes the title); the owner and admins only. Every member gets a <see cref="SyncEventTypes.Title"/> event.</summary>
    /// <remarks>Retried on transient failures: giving the title it has changes nothing.</remarks>
    public Task<Conversation> SetTitleAsync(string conversationId, string? title, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.SetTitleAsync(conversationId, new SetTitleRequest(title), ct), cancellationToken);
    }

    /// <summary>Returns the user's conversation list with unread counts and last messages.</summary>
    public Task<IReadOnlyList<ConversationSummary>> GetConversationsAsync(CancellationToken cancellationToken = default) =>
        _retry.ExecuteAsync(_api.GetConversationsAsync, cancellationToken);

    /// <summary>Marks a conversation read up to <paramref name="seq"/>; the change reaches the user's other devices as a read event.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="seq">The newest seq the user has read. A read cursor never moves backward.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conversation's summary with the new read cursor and unread count.</returns>
    public Task<ConversationSummary> MarkReadAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return _retry.ExecuteAsync(ct => _api.MarkReadAsync(conversationId, seq, ct), cancellationToken);
    }
}
