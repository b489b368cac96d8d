using Microsoft.AspNetCore.SignalR;
using Seqline.Presence;

namespace Seqline.Api.Push;

/// <summary>Typing notices from inboxes: straight to the user's connections here, unordered and unstored.</summary>
public sealed partial class PushBridge
{
    /// <summary>The hub method devices get a typing notice with.</summary>
    public const string TypingMethod = "typing";

    public Task OnTyping(string userId, TypingNotice notice) =>
        hub.Clients.Group(GroupOf(userId)).SendAsync(TypingMethod, notice);
}
