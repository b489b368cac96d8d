using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using Seqline.Inboxes;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

/// <summary>
/// What the caller marks about a conversation in their own inbox, for all their devices: how far
/// they read, which messages they hid, up to where they cleared it. Each answers with the
/// conversation's row of the caller's list.
/// </summary>
internal static class InboxEndpoints
{
    public static RouteGroupBuilder MapInboxEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/conversations/{id}").RequireAuthorization().RefusesAnyCall().WithTags("Read markers");

        api.MapPost("/read", MarkRead)
            .WithName(nameof(MarkRead))
            .WithSummary("Move the read position")
            .WithDescription("Forward only, up to the last seq; the caller's other devices get a read event.")
            .Refuses(Status400BadRequest, Status404NotFound);
        api.MapPost("/hide", HideMessage)
            .WithName(nameof(HideMessage))
            .WithSummary("Hide a message for the caller")
            .WithDescription("Hidden on all the caller's devices and left out of their history; others still see it.")
            .Refuses(Status400BadRequest, Status404NotFound);
        api.MapPost("/clear", ClearConversation)
            .WithName(nameof(ClearConversation))
            .WithSummary("Clear the conversation up to a seq for the caller")
            .WithDescription("Everything up to seq is cleared (and read) on all the caller's devices and left out of their history.")
            .Refuses(Status400BadRequest, Status404NotFound);
        return api;
    }

    public static async Task<Ok<ConversationSummary>> MarkRead(string id, SeqRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.InInbox(caller.Id, id, (inbox, conversation) => inbox.MarkRead(conversation, RequiredSeq(request))));

    public static async Task<Ok<ConversationSummary>> HideMessage(string id, SeqRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.InInbox(caller.Id, id, (inbox, conversation) => inbox.Hide(conversation, RequiredSeq(request))));

    public static async Task<Ok<ConversationSummary>> ClearConversation(string id, SeqRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.InInbox(caller.Id, id, (inbox, conversation) => inbox.Clear(conversation, RequiredSeq(request))));

    private static long RequiredSeq(SeqRequest request) => request.Seq ?? throw SeqlineException.Invalid("seq is required.");
}
