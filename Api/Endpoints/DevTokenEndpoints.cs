using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

internal static class DevTokenEndpoints
{
    /// <summary>Anyone may become anyone here: mapped only where development tokens are on.</summary>
    public static RouteHandlerBuilder MapDevTokenEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/dev/token", IssueDevToken)
            .WithTags("Development")
            .WithName(nameof(IssueDevToken))
            .WithSummary("Get a token for any user (development only)")
            .WithDescription("Exists only where development tokens are on (Seqline:Auth:DevTokens); anyone may become anyone.")
            .Refuses(Status400BadRequest);

    public static Ok<DevTokenResponse> IssueDevToken(DevTokenRequest request, DevTokenIssuer issuer) =>
        TypedResults.Ok(new DevTokenResponse(issuer.Issue(Identifiers.RequireId(request.UserId, "userId"))));
}
