using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using Seqline.Conversations;
using Seqline.Inboxes;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

/// <summary>The caller's conversations: creating one, listing them, changing who is in one.</summary>
internal static class ConversationEndpoints
{
    public static RouteGroupBuilder MapConversationEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/conversations").RequireAuthorization().RefusesAnyCall().WithTags("Conversations");

        api.MapPost("", CreateConversation)
            .WithName(nameof(CreateConversation))
            .WithSummary("Create a conversation")
            .WithDescription("Creates a group with the caller and the members, or the one direct conversation of the caller and one other user (idempotent).")
            .Refuses(Status400BadRequest, Status413PayloadTooLarge);
        api.MapGet("", ListConversations)
            .WithName(nameof(ListConversations))
            .WithSummary("List the caller's conversations")
            .WithDescription("The caller's conversations, most recently active first, with unread counts and the last message.");
        api.MapPost("/{id}/members", ChangeMembers)
            .WithName(nameof(ChangeMembers))
            .WithSummary("Add and remove members")
            .WithDescription("Members only; a direct conversation's members cannot change.")
            .Refuses(Status400BadRequest, Status404NotFound, Status413PayloadTooLarge);
        return api;
    }

    public static async Task<Created<ConversationView>> CreateConversation(CreateConversationRequest request, [AsParameters] Caller caller)
    {
        var me = caller.Id;
        var members = RequestParsing.Required(request.Members, "members");
        var kind = RequestParsing.Kind(request.Kind);
        var id = kind == ConversationKind.Direct ? DirectIdWith(me, members) : "g-" + Guid.NewGuid().ToString("N");
        var view = await caller.Grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(me, members, request.Title, kind));
        return TypedResults.Created($"/api/conversations/{id}", view);
    }

    public static async Task<Ok<IReadOnlyList<ConversationSummary>>> ListConversations([AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.GetGrain<IInboxOwner>(caller.Id).GetConversations());

    public static async Task<Ok<ConversationView>> ChangeMembers(string id, ChangeMembersRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.ChangeMembers(new MembershipChange(caller.Id, request.Add ?? [], request.Remove ?? []))));

    // The pair's one id, whoever of the two starts it.
    private static string DirectIdWith(string me, IReadOnlyList<string> members)
    {
        var others = members.Where(m => m != me).Distinct().ToList();
        if (others.Count != 1) throw SeqlineException.Invalid("A direct conversation has exactly one other member.");
        return DirectConversation.IdFor(me, Identifiers.RequireId(others[0], "member"));
    }
}
