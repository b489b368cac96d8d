using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using Seqline.Inboxes;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

/// <summary>
/// Muting a conversation in the caller's own inbox, for all their devices: a muted conversation
/// sends no offline pushes (<c>Seqline:OfflinePush</c>). Answers with the conversation's row of the caller's list.
/// </summary>
internal static class MuteEndpoints
{
    public static RouteHandlerBuilder MapMuteEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPut("/api/conversations/{id}/mute", MuteConversation)
            .RequireAuthorization()
            .RefusesAnyCall()
            .WithTags("Read markers")
            .WithName(nameof(MuteConversation))
            .WithSummary("Mute or unmute the conversation for the caller")
            .WithDescription("A muted conversation sends the caller no offline pushes; the caller's devices get a muted or unmuted event.")
            .Refuses(Status400BadRequest, Status404NotFound);

    public static async Task<Ok<ConversationSummary>> MuteConversation(string id, MuteRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.InInbox(caller.Id, id, (inbox, conversation) =>
            inbox.Mute(conversation, request.Muted ?? throw SeqlineException.Invalid("muted is required."))));
}

/// <summary>The body of a mute: whether the conversation is muted from now on.</summary>
public sealed record MuteRequest(bool? Muted);
