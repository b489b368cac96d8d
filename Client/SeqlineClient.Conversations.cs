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

    /// <summary>Adds and removes members of a conversation the user belongs to.</summary>
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
