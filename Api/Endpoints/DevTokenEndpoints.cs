using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;

namespace Seqline.Api.Endpoints;

internal static class DevTokenEndpoints
{
    /// <summary>Anyone may become anyone here: mapped only where development tokens are on.</summary>
    public static void MapDevTokenEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/dev/token", (DevTokenRequest request, DevTokenIssuer issuer) =>
            new DevTokenResponse(issuer.Issue(Identifiers.RequireId(request.UserId, "userId"))));
}
