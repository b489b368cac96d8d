using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Seqline.Api.Auth;
using Seqline.Api.Hosting;
using Seqline.Api.Operations;
using Seqline.Conversations;
using Seqline.Inboxes;
using System.Security.Claims;

namespace Seqline.Api.Endpoints;

/// <summary>Conversations, their members, messages and read markers, for the calling user.</summary>
internal static class ConversationEndpoints
{
    public static void MapConversationEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/conversations").RequireAuthorization();

        api.MapPost("", async (CreateConversationRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var me = user.UserId();
            var members = RequestParsing.Required(request.Members, "members");
            var kind = RequestParsing.Kind(request.Kind);
            var others = members.Where(m => m != me).Distinct().ToList();
            string id;
            if (kind == ConversationKind.Direct)
            {
                if (others.Count != 1) throw SeqlineException.Invalid("A direct conversation has exactly one other member.");
                id = DirectConversation.IdFor(me, Identifiers.RequireId(others[0], "member"));
            }
            else
            {
                id = "g-" + Guid.NewGuid().ToString("N");
            }
            var view = await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(me, members, request.Title, kind));
            return Results.Created($"/api/conversations/{id}", view);
        });

        api.MapGet("", (ClaimsPrincipal user, IGrainFactory grains) =>
            grains.GetGrain<IInboxGrain>(user.UserId()).GetConversations());

        api.MapPost("/{id}/members", (string id, ChangeMembersRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
            Conversation(grains, id).ChangeMembers(new MembershipChange(user.UserId(), request.Add ?? [], request.Remove ?? [])));

        api.MapPost("/{id}/messages", async (string id, SendMessageRequest request, ClaimsPrincipal user, IGrainFactory grains, SendRateLimiter limiter, EdgeMetrics metrics) =>
        {
            var receipt = await metrics.Send(EdgeMetrics.Http, () =>
            {
                var me = user.UserId();
                var message = new OutgoingMessage(me, RequestParsing.Required(request.ClientMsgId, "clientMsgId"), RequestParsing.Required(request.Body, "body"), request.Mentions);
                limiter.Acquire(me);
                return Conversation(grains, id).Send(message);
            });
            return receipt.Duplicate ? Results.Ok(receipt) : Results.Created($"/api/conversations/{id}/messages?after={receipt.Seq - 1}&limit=1", receipt);
        });

        api.MapGet("/{id}/messages", async (string id, long? before, long? after, int? limit, ClaimsPrincipal user, IGrainFactory grains, IOptions<SeqlineLimits> limits) =>
        {
            var pageSize = limit ?? limits.Value.DefaultPageSize;
            if (before is not null && after is not null) throw SeqlineException.Invalid("Give before or after, not both.");
            var me = user.UserId();
            var conversation = Conversation(grains, id);
            var hidden = await grains.GetGrain<IInboxGrain>(me).GetHidden(id);
            return after is { } from
                ? await VisibleHistory.After(conversation, me, hidden, from, pageSize)
                : await VisibleHistory.Before(conversation, me, hidden, before, pageSize);
        });

        api.MapPost("/{id}/messages/{seq:long}/recall", (string id, long seq, ClaimsPrincipal user, IGrainFactory grains) =>
            Conversation(grains, id).Recall(user.UserId(), seq));

        api.MapPost("/{id}/read", (string id, SeqRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
            grains.GetGrain<IInboxGrain>(user.UserId()).MarkRead(Identifiers.RequireId(id, "conversationId"), RequiredSeq(request)));

        api.MapPost("/{id}/hide", (string id, SeqRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
            grains.GetGrain<IInboxGrain>(user.UserId()).Hide(Identifiers.RequireId(id, "conversationId"), RequiredSeq(request)));

        api.MapPost("/{id}/clear", (string id, SeqRequest request, ClaimsPrincipal user, IGrainFactory grains) =>
            grains.GetGrain<IInboxGrain>(user.UserId()).Clear(Identifiers.RequireId(id, "conversationId"), RequiredSeq(request)));
    }

    private static long RequiredSeq(SeqRequest request) => request.Seq ?? throw SeqlineException.Invalid("seq is required.");

    private static IConversationGrain Conversation(IGrainFactory grains, string id) =>
        grains.GetGrain<IConversationGrain>(Identifiers.RequireId(id, "conversationId"));
}
