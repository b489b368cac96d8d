using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Endpoints;
using Seqline.Inboxes;
using Seqline.Presence;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Presence;

/// <summary>
/// Presence and the caller's own settings. A user's presence is answered only to someone who shares
/// a conversation with them; to anyone else it reads as a user that does not exist, so presence
/// cannot be used to learn who has an account. Reads cost no store access: the inboxes answer from
/// memory (the caller's conversation ids, the user's push registrations).
/// </summary>
internal static class PresenceEndpoints
{
    public static IEndpointRouteBuilder MapPresenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users/{id}").RequireAuthorization().RefusesAnyCall().WithTags("Presence");
        users.MapGet("/presence", GetPresence)
            .WithName(nameof(GetPresence))
            .WithSummary("A user's presence")
            .WithDescription("Online while any device of the user is connected, else lastSeen; only for users who share a conversation with the caller (else 404), and neither when the user hides it.")
            .Refuses(Status400BadRequest, Status404NotFound);

        var me = routes.MapGroup("/api/me").RequireAuthorization().RefusesAnyCall().WithTags("Presence");
        me.MapGet("/settings", GetSettings)
            .WithName(nameof(GetSettings))
            .WithSummary("The caller's settings");
        me.MapPut("/settings", ChangeSettings)
            .WithName(nameof(ChangeSettings))
            .WithSummary("Change the caller's settings")
            .WithDescription("hidePresence: others see neither online nor last seen. hideReadReceipts: nobody sees the caller's read position, and the caller sees nobody's. A setting left out keeps its value.")
            .Refuses(Status400BadRequest);
        return routes;
    }

    public static async Task<Ok<PresenceView>> GetPresence(string id, [AsParameters] Caller caller)
    {
        var userId = Identifiers.RequireId(id, "userId");
        if (userId == caller.Id) return TypedResults.Ok(await caller.Grains.Reference<IInboxPresence>(userId).GetOwnPresence());
        var mine = await caller.Grains.Reference<IInboxPresence>(caller.Id).ConversationIds();
        // Sharing nothing, the caller learns nothing: not even whether the user has an inbox.
        var seen = mine.Count == 0 ? null : await caller.Grains.Reference<IInboxPresence>(userId).GetPresence(mine);
        return TypedResults.Ok(seen ?? throw SeqlineException.NotFound($"User '{userId}' does not exist."));
    }

    public static async Task<Ok<UserSettings>> GetSettings([AsParameters] Caller caller) =>
        TypedResults.Ok(await caller.Grains.Reference<IInboxPresence>(caller.Id).GetSettings());

    // A setting left out keeps its value.
    public static async Task<Ok<UserSettings>> ChangeSettings(SettingsRequest request, [AsParameters] Caller caller)
    {
        if (request is { HidePresence: null, HideReadReceipts: null }) throw SeqlineException.Invalid("hidePresence or hideReadReceipts is required.");
        var inbox = caller.Grains.Reference<IInboxPresence>(caller.Id);
        var now = await inbox.GetSettings();
        return TypedResults.Ok(await inbox.ChangeSettings(new UserSettings(request.HidePresence ?? now.HidePresence, request.HideReadReceipts ?? now.HideReadReceipts)));
    }
}

/// <summary>The body of <c>PUT /api/me/settings</c>: at least one setting; one left out keeps its value.</summary>
public sealed record SettingsRequest(bool? HidePresence, bool? HideReadReceipts = null);
