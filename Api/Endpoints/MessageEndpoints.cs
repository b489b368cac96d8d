using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using Seqline.Api.Hosting;
using Seqline.Conversations;
using Seqline.Inboxes;
using static Microsoft.AspNetCore.Http.StatusCodes;

using Seqline.Api.Operations;
using Seqline.Api.Push;

namespace Seqline.Api.Endpoints;

/// <summary>A conversation's messages: sending, paging history, recalling, editing, reacting.</summary>
internal static class MessageEndpoints
{
    public static RouteGroupBuilder MapMessageEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/conversations/{id}/messages").RequireAuthorization().RefusesAnyCall().WithTags("Messages");

        api.MapPost("", SendMessage)
            .WithName(nameof(SendMessage))
            .WithSummary("Send a message")
            .WithDescription("Answers once the message is durable: 201 with its seq, or 200 with the original seq and duplicate=true for a retry with the same clientMsgId. "
                + "replyTo names a message of the conversation (404 when it holds none at that seq, 400 for a notice); the reply stores a quote of it. "
                + "contentType and content make a typed message (image, file, x-…), the body its fallback text. "
                + "delivered carries acknowledgements of pushed messages (as the hub's DeliveredMany); the conversations this node skipped of them are named in the Seqline-Delivered-Skipped header.")
            .Refuses(Status400BadRequest, Status404NotFound, Status413PayloadTooLarge, Status429TooManyRequests);
        api.MapGet("", ReadHistory)
            .WithName(nameof(ReadHistory))
            .WithSummary("Page through history")
            .WithDescription("Up to limit messages below before (none: the newest) or above after, in ascending seq order, leaving out what the caller hid or cleared.")
            .Refuses(Status400BadRequest, Status404NotFound);
        api.MapPost("/{seq:long}/recall", RecallMessage)
            .WithName(nameof(RecallMessage))
            .WithSummary("Recall a message")
            .WithDescription("The sender only, within the recall window: the message becomes a tombstone with the same seq on every device.")
            .Refuses(Status403Forbidden, Status404NotFound);
        api.MapPut("/{seq:long}", EditMessage)
            .WithName(nameof(EditMessage))
            .WithSummary("Edit a message")
            .WithDescription("The sender only, within the edit window: the message gets the new body and editedAt, and every member an edited event. The body it has already: 200, nothing changes. A notice: 403; a recalled message: 409.")
            .Refuses(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict, Status413PayloadTooLarge);
        api.MapPut("/{seq:long}/reactions/{emoji}", AddReaction)
            .WithName(nameof(AddReaction))
            .WithSummary("React to a message")
            .WithDescription("Any member, with one emoji (URL-encoded): the message lists the reaction, and every member gets a reaction event. A reaction the caller gave already: 200, nothing changes. Over a reaction limit: 413; a notice: 403; a recalled message: 409.")
            .Refuses(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict, Status413PayloadTooLarge);
        api.MapDelete("/{seq:long}/reactions/{emoji}", RemoveReaction)
            .WithName(nameof(RemoveReaction))
            .WithSummary("Take a reaction back")
            .WithDescription("The caller's own reaction only: every member gets a reaction event with removed=true. A reaction the caller never gave: 200, nothing changes.")
            .Refuses(Status400BadRequest, Status403Forbidden, Status404NotFound, Status409Conflict);
        return api;
    }

    public static async Task<Results<Created<SendReceipt>, Ok<SendReceipt>>> SendMessage(
        string id, SendMessageRequest request, [AsParameters] Caller caller, SendRateLimiter limiter, EdgeMetrics metrics,
        AcknowledgementBook acknowledgements, HttpResponse response)
    {
        IReadOnlyList<Receipts.DeliveredPosition>? riding = null;
        var receipt = await metrics.Send(EdgeMetrics.Http, () =>
        {
            var message = request.ToMessage(caller.Id);
            riding = ReceiptCalls.CheckRiding(request.Delivered);
            ConversationAccess.RequireId(id);
            limiter.Acquire(caller.Id);
            return caller.Grains.AsMember(caller.Id, id, c => c.Send(message));
        });
        // After the send, so that a refused one keeps nothing; the same skips as DeliveredMany, but said:
        // this request may have reached another node than the device's hub connection.
        if (riding is not null && ReceiptCalls.Keep(acknowledgements, metrics, EdgeMetrics.BySend, caller.Id, riding) is { Count: > 0 } skipped)
            response.Headers[ReceiptCalls.SkippedHeader] = string.Join(',', skipped);
        return receipt.Duplicate
            ? TypedResults.Ok(receipt)
            : TypedResults.Created($"/api/conversations/{id}/messages?after={receipt.Seq - 1}&limit=1", receipt);
    }

    public static async Task<Ok<MessagePage>> ReadHistory(string id, long? before, long? after, int? limit, [AsParameters] Caller caller)
    {
        var pageSize = caller.PageSize(limit);
        if (before is not null && after is not null) throw SeqlineException.Invalid("Give before or after, not both.");
        var me = caller.Id;
        return TypedResults.Ok(await caller.Grains.AsMember(me, id, async conversation =>
        {
            var hidden = await caller.Grains.Reference<IInboxOwner>(me).GetHidden(id);
            return after is { } from
                ? await VisibleHistory.After(conversation, me, hidden, from, pageSize)
                : await VisibleHistory.Before(conversation, me, hidden, before, pageSize);
        }));
    }

    public static async Task<Ok<ChatMessage>> RecallMessage(string id, long seq, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.Recall(caller.Id, seq)));

    public static async Task<Ok<ChatMessage>> EditMessage(string id, long seq, EditMessageRequest request, [AsParameters] Caller caller)
    {
        var body = RequestParsing.Required(request.Body, "body");
        return TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.Edit(caller.Id, seq, body)));
    }

    public static async Task<Ok<ChatMessage>> AddReaction(string id, long seq, string emoji, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.AddReaction(caller.Id, seq, emoji)));

    public static async Task<Ok<ChatMessage>> RemoveReaction(string id, long seq, string emoji, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.RemoveReaction(caller.Id, seq, emoji)));
}
