using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Seqline.Presence;

namespace Seqline.Api.Push;

/// <summary>Typing notices from inboxes: straight to the user's connections here, unordered and unstored.</summary>
public sealed partial class PushBridge
{
    /// <summary>The hub method devices get a typing notice with.</summary>
    public const string TypingMethod = "typing";

    // Not awaited, as pushes are not (see OnPush): a slow connection must not hold up the node's other calls.
    public Task OnTyping(string userId, TypingNotice notice)
    {
        _ = SendTyping(userId, notice);
        return Task.CompletedTask;
    }

    private async Task SendTyping(string userId, TypingNotice notice)
    {
        try
        {
            await hub.Clients.Group(GroupOf(userId)).SendAsync(TypingMethod, notice);
        }
        catch (Exception error)
        {
            LogTypingFailed(error, userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A typing notice to the devices of {UserId} on this node failed; notices are not retried")]
    private partial void LogTypingFailed(Exception error, string userId);
}
