using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Seqline.Api.Auth;
using Seqline.Api.Operations;
using Seqline.Inboxes;

namespace Seqline.Api.Endpoints;

internal static class SyncEndpoints
{
    public static void MapSyncEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/sync", async (string? cursor, int? limit, ClaimsPrincipal user, IGrainFactory grains, IOptions<SeqlineLimits> limits, EdgeMetrics metrics) =>
            metrics.Synced(EdgeMetrics.Http, await grains.GetGrain<IInboxGrain>(user.UserId()).Sync(cursor, limit ?? limits.Value.DefaultPageSize)))
            .RequireAuthorization();
    }
}
