using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Client.Internal;

namespace Seqline.Client;

// Typing and presence: ephemeral, beside sync. Typing notices come over the hub only while connected
// and are never replayed; presence is asked for over HTTP.
public sealed partial class SeqlineClient
{
    private TypingIndicators? _typing;

    private TypingIndicators Typing => LazyInitializer.EnsureInitialized(ref _typing, () => new TypingIndicators(_options.TimeProvider));

    /// <summary>A member started or kept typing (<see cref="TypingNotice"/>); see <see cref="WhoIsTyping"/> for who is now.</summary>
    /// <remarks>Raised on SignalR's receive loop, not the sync loop: keep handlers short.</remarks>
    public event Func<TypingNotice, Task>? TypingReceived;

    /// <summary>The members typing in a conversation now: each until their last notice expires.</summary>
    public IReadOnlyList<string> WhoIsTyping(string conversationId) => Typing.TypingIn(conversationId);

    /// <summary>
    /// Tells the members online now that the user is typing. Call it as the user types; the server
    /// forwards at most one per conversation every couple of seconds and answers false for the rest.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client is not connected (<see cref="ConnectAsync"/>).</exception>
    /// <exception cref="SeqlineApiException">Refused, e.g. <c>not_found</c> for a conversation the user is not in.</exception>
    public async Task<bool> SendTypingAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var hub = _hub is { State: HubConnectionState.Connected } connected ? connected : throw new InvalidOperationException("Typing needs a connection: call ConnectAsync first.");
        try
        {
            return await hub.InvokeAsync<bool>("Typing", conversationId, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException error)
        {
            throw SeqlineApiException.FromHubException(error);
        }
    }

    /// <summary>A user's presence: online, or last seen; <c>not_found</c> unless the user shares a conversation with them.</summary>
    public Task<UserPresence> GetPresenceAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _retry.ExecuteAsync(ct => _api.GetPresenceAsync(userId, ct), cancellationToken);
    }

    /// <summary>The user's own settings.</summary>
    public Task<UserSettings> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        _retry.ExecuteAsync(_api.GetSettingsAsync, cancellationToken);

    /// <summary>Hides (or shows again) the user's presence from everyone else.</summary>
    /// <remarks>Retried on transient failures: setting the same value twice changes nothing more.</remarks>
    public Task<UserSettings> SetHidePresenceAsync(bool hide, CancellationToken cancellationToken = default) =>
        _retry.ExecuteAsync(ct => _api.PutSettingsAsync(new SettingsChange(hide, null), ct), cancellationToken);

    private async Task OnTypingAsync(TypingNotice notice)
    {
        Typing.Seen(notice);
        await RaiseAsync(TypingReceived, notice).ConfigureAwait(false);
    }
}
