using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Seqline.Api.Auth;
using Seqline.Api.Endpoints;
using Seqline.Api.Hosting;
using Seqline.Api.Operations;
using Seqline.Api.Presence;
using Seqline.Api.Push;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Receipts;

namespace Seqline.Api.Hubs;

/// <summary>
/// The realtime face of the API: the same calls as HTTP, plus pushes of new inbox events
/// (<c>events</c>) to every connection of the user. Refusals arrive as <see cref="HubException"/>s
/// whose message starts with the error code (see <see cref="HubErrorFilter"/>).
/// </summary>
[Authorize]
public sealed class SyncHub(IGrainFactory grains, SendRateLimiter limiter, PushBridge push, IOptions<SeqlineLimits> limits, EdgeMetrics metrics, TypingRelay typing, AcknowledgementBook acknowledgements) : Hub
{
    private string Me => Context.User!.UserId();

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, PushBridge.GroupOf(Me));
        // Before the node subscribes: every push after the head below already counts this connection.
        push.Connections.Add(Me, Context.ConnectionId);
        string head;
        try
        {
            // An empty push at the head: a device that is behind sees its cursor does not match and pulls,
            // which covers whatever was appended before this node's subscription took effect.
            head = await push.DeviceConnected(Me);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed.
            push.Connections.Remove(Me, Context.ConnectionId);
            throw;
        }
        await Clients.Caller.SendAsync(PushBridge.EventsMethod, new EventsMessage([], head, head));
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        push.Connections.Remove(Me, Context.ConnectionId);
        return push.DeviceDisconnected(Me);
    }

    public Task<SendReceipt> SendMessage(string conversationId, string clientMsgId, string body) => metrics.Send(EdgeMetrics.Hub, () =>
    {
        var message = new OutgoingMessage(Me, clientMsgId, body);
        ConversationAccess.RequireId(conversationId);
        limiter.Acquire(Me);
        return grains.AsMember(Me, conversationId, c => c.Send(message));
    });

    /// <summary><see cref="SendMessage"/> with every field of the HTTP send: a reply, typed content, mentions.</summary>
    /// <remarks>Its <c>delivered</c> positions are kept as <see cref="DeliveredMany"/>'s once the message is stored.</remarks>
    public async Task<SendReceipt> Send(string conversationId, SendMessageRequest request)
    {
        IReadOnlyList<DeliveredPosition>? riding = null;
        var receipt = await metrics.Send(EdgeMetrics.Hub, () =>
        {
            var message = (request ?? throw SeqlineException.Invalid("request is required.")).ToMessage(Me);
            riding = ReceiptCalls.CheckRiding(request.Delivered);
            ConversationAccess.RequireId(conversationId);
            limiter.Acquire(Me);
            return grains.AsMember(Me, conversationId, c => c.Send(message));
        });
        if (riding is not null) ReceiptCalls.Keep(acknowledgements, metrics, EdgeMetrics.BySend, Me, riding);
        return receipt;
    }

    public Task<ChatMessage> Recall(string conversationId, long seq) =>
        grains.AsMember(Me, conversationId, c => c.Recall(Me, seq));

    public Task<ChatMessage> EditMessage(string conversationId, long seq, string body) =>
        grains.AsMember(Me, conversationId, c => c.Edit(Me, seq, body));

    public Task<ChatMessage> AddReaction(string conversationId, long seq, string emoji) =>
        grains.AsMember(Me, conversationId, c => c.AddReaction(Me, seq, emoji));

    public Task<ChatMessage> RemoveReaction(string conversationId, long seq, string emoji) =>
        grains.AsMember(Me, conversationId, c => c.RemoveReaction(Me, seq, emoji));

    public async Task<SyncPage> Sync(string? cursor, int? limit) =>
        metrics.Synced(EdgeMetrics.Hub, await grains.Reference<IInboxOwner>(Me).Sync(cursor, limits.Value.RequirePageSize(limit ?? limits.Value.DefaultPageSize)));

    /// <summary>The caller is typing: forwarded to members online now, or dropped (false) when too soon.</summary>
    public Task<bool> Typing(string conversationId) =>
        typing.Typing(Me, conversationId, (TypingThrottle)(Context.Items[nameof(TypingThrottle)] ??= typing.NewThrottle()));

    /// <summary>A device has the conversation's messages up to <paramref name="seq"/> (an acknowledged push): moves the delivered position.</summary>
    public Task Delivered(string conversationId, long seq) => ReceiptCalls.Delivered(grains, Me, conversationId, seq);

    /// <summary>
    /// A device has several conversations' messages up to each seq: what devices send instead of one
    /// <see cref="Delivered"/> per conversation. Checked at once (<c>invalid</c> names the first bad
    /// entry, and then nothing is kept). Counts only for what this node pushed to the caller (the rest
    /// is skipped), merged per conversation and told its receipts per <c>Seqline:Push:AcknowledgementInterval</c>.
    /// </summary>
    public void DeliveredMany(IReadOnlyList<DeliveredPosition> positions) =>
        ReceiptCalls.Keep(acknowledgements, metrics, EdgeMetrics.ByMessage, Me, ReceiptCalls.CheckPositions(positions));

    /// <summary>The other members' read and delivered positions (<c>GET /api/conversations/{id}/receipts</c>).</summary>
    public Task<ReceiptsView> GetReceipts(string conversationId) => ReceiptCalls.Get(grains, Me, conversationId);

    public Task<ConversationSummary> MarkRead(string conversationId, long seq) =>
        grains.InInbox(Me, conversationId, (inbox, conversation) => inbox.MarkRead(conversation, seq));
}
