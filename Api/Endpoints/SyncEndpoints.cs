using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Operations;
using Seqline.Inboxes;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

/// <summary>The sync pull: a device reads the caller's sync timeline from its own cursor.</summary>
internal static class SyncEndpoints
{
    public static RouteHandlerBuilder MapSyncEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/sync", Sync)
            .RequireAuthorization()
            .RefusesAnyCall()
            .WithTags("Sync")
            .WithName(nameof(Sync))
            .WithSummary("Pull the caller's events after a cursor")
            .WithDescription("Without a cursor, or with one the inbox can no longer serve: a reset with a snapshot of the caller's conversations and a cursor at the head. Otherwise the events after the cursor, oldest first. Pull again while hasMore.")
            .Refuses(Status400BadRequest, Status403Forbidden);

    public static async Task<Ok<SyncPage>> Sync(string? cursor, int? limit, [AsParameters] Caller caller, EdgeMetrics metrics)
    {
        var pageSize = caller.PageSize(limit);
        return TypedResults.Ok(metrics.Synced(EdgeMetrics.Http, await caller.Grains.Reference<IInboxOwner>(caller.Id).Sync(cursor, pageSize)));
    }
}
