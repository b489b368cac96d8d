using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using Seqline.Conversations;
using Seqline.Inboxes;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

/// <summary>The caller's conversations: creating one, listing them, reading one, changing who is in one, their roles and its title.</summary>
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
        api.MapGet("/{id}", GetConversation)
            .WithName(nameof(GetConversation))
            .WithSummary("Get a conversation")
            .WithDescription("Its title, members, owner and admins, fan-out mode and last seq; members only.")
            .Refuses(Status400BadRequest, Status404NotFound);
        api.MapPost("/{id}/members", ChangeMembers)
            .WithName(nameof(ChangeMembers))
            .WithSummary("Add and remove members")
            .WithDescription("The owner and admins (admins remove plain members only); any member may remove themselves, i.e. leave. " +
                "The owner leaving hands ownership to the longest-standing admin, else member. A direct conversation's members cannot change.")
            .Refuses(Status400BadRequest, Status403Forbidden, Status404NotFound, Status413PayloadTooLarge);
        api.MapPut("/{id}/members/{userId}/role", SetMemberRole)
            .WithName(nameof(SetMemberRole))
            .WithSummary("Give a member a role")
            .WithDescription("The owner only: makes a member an admin or a plain member, or (role owner) hands ownership over and becomes an admin. " +
                "Every member gets a role event. Direct conversations have no roles.")
            .Refuses(Status400BadRequest, Status403Forbidden, Status404NotFound, Status413PayloadTooLarge);
        api.MapPut("/{id}/title", SetTitle)
            .WithName(nameof(SetTitle))
            .WithSummary("Rename a group")
            .WithDescription("The owner and admins; null or empty removes the title. Every member gets a title event.")
            .Refuses(Status400BadRequest, Status403Forbidden, Status404NotFound);
        return api;
    }

    public static async Task<Created<ConversationView>> CreateConversation(CreateConversationRequest request, [AsParameters] Caller caller)
    {
        var me = caller.Id;
        var members = RequestParsing.Required(request.Members, "members");
        var kind = RequestParsing.Kind(request.Kind);
        var id = kind == ConversationKind.Direct ? DirectIdWith(me, members) : "g-" + Guid.NewGuid().ToString("N");
        var view = await caller.Grains.Reference<IConversationGrain>(id).Create(new NewConversation(me, members, request.Title, kind));
        return TypedResults.Created($"/api/conversations/{id}", view);
    }

    public static async Task<Ok<IReadOnlyList<ConversationSummary>>> ListConversations([AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.Reference<IInboxOwner>(caller.Id).GetConversations());

    public static async Task<Ok<ConversationView>> GetConversation(string id, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.Get(caller.Id)));

    public static async Task<Ok<ConversationView>> ChangeMembers(string id, ChangeMembersRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.ChangeMembers(new MembershipChange(caller.Id, request.Add ?? [], request.Remove ?? []))));

    public static async Task<Ok<ConversationView>> SetMemberRole(string id, string userId, SetRoleRequest request, [AsParameters] Caller caller)
    {
        var change = new RoleChange(caller.Id, Identifiers.RequireId(userId, "userId"), RequestParsing.Role(request.Role));
        return TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.SetRole(change)));
    }

    public static async Task<Ok<ConversationView>> SetTitle(string id, SetTitleRequest request, [AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.AsMember(caller.Id, id, c => c.SetTitle(caller.Id, request.Title)));

    // The pair's one id, whoever of the two starts it.
    private static string DirectIdWith(string me, IReadOnlyList<string> members)
    {
        var others = members.Where(m => m != me).Distinct().ToList();
        if (others.Count != 1) throw SeqlineException.Invalid("A direct conversation has exactly one other member.");
        return DirectConversation.IdFor(me, Identifiers.RequireId(others[0], "member"));
    }
}
