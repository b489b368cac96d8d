using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Seqline.Presence;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// Ephemeral notices from inboxes (typing, receipts): straight to the user's connections here,
/// unordered and unstored, never retried. The next notice, or a query, brings what one missed.
/// </summary>
public sealed partial class PushBridge
{
    /// <summary>The hub method devices get pushes with, and the receipts notices riding on them.</summary>
    public const string EventsMethod = "events";

    /// <summary>The hub method devices get a typing notice with.</summary>
    public const string TypingMethod = "typing";

    /// <summary>The hub method devices get a receipts notice with.</summary>
    public const string ReceiptsMethod = "receipts";

    /// <summary>The hub method devices get the receipts notices of several conversations with, as one array.</summary>
    public const string ReceiptsManyMethod = "receiptsMany";

    public Task OnTyping(string userId, TypingNotice notice) => SendNotice(userId, TypingMethod, notice);

    public Task OnReceipts(string userId, ReceiptsNotice notice) => SendNotice(userId, ReceiptsMethod, notice);

    public Task OnReceiptsMany(string userId, IReadOnlyList<ReceiptsNotice> notices) => SendNotice(userId, ReceiptsManyMethod, notices);

    // Not awaited, as pushes are not (see OnPush): Orleans hands this node's observer its calls one
    // at a time, so awaiting a send to one slow connection would hold up every push here.
    private Task SendNotice(string userId, string method, object notice)
    {
        _ = Send();
        return Task.CompletedTask;

        async Task Send()
        {
            try
            {
                // As pushes go: straight to a user's only connection here, else to the user's group.
                var (only, group) = Connections.Route(userId);
                await (only is not null ? hub.Clients.Client(only) : hub.Clients.Group(group)).SendAsync(method, notice);
                metrics.NoticeSent(method);
            }
            catch (Exception error)
            {
                LogNoticeFailed(error, method, userId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A {Method} notice to the devices of {UserId} on this node failed; notices are not retried")]
    private partial void LogNoticeFailed(Exception error, string method, string userId);
}
