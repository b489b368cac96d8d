using Microsoft.AspNetCore.SignalR;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>Receipts notices from inboxes: straight to the user's connections here, unordered and unstored, as typing.</summary>
public sealed partial class PushBridge
{
    /// <summary>The hub method devices get a receipts notice with.</summary>
    public const string ReceiptsMethod = "receipts";

    public Task OnReceipts(string userId, ReceiptsNotice notice) =>
        hub.Clients.Group(GroupOf(userId)).SendAsync(ReceiptsMethod, notice);
}
