using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>Receipts notices from inboxes: straight to the user's connections here, unordered and unstored, as typing.</summary>
public sealed partial class PushBridge
{
    /// <summary>The hub method devices get a receipts notice with.</summary>
    public const string ReceiptsMethod = "receipts";

    // Not awaited, as pushes and typing are not (see OnPush): Orleans hands this node's observer its
    // calls one at a time, so awaiting a send to one slow connection would hold up every push here.
    public Task OnReceipts(string userId, ReceiptsNotice notice)
    {
        _ = SendReceipts(userId, notice);
        return Task.CompletedTask;
    }

    private async Task SendReceipts(string userId, ReceiptsNotice notice)
    {
        try
        {
            await hub.Clients.Group(GroupOf(userId)).SendAsync(ReceiptsMethod, notice);
        }
        catch (Exception error)
        {
            LogReceiptsFailed(error, userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A receipts notice to the devices of {UserId} on this node failed; the next notice or a query brings the positions")]
    private partial void LogReceiptsFailed(Exception error, string userId);
}
