using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Seqline.Api.Endpoints;

/// <summary>
/// The refusals an endpoint may answer with, for its OpenAPI description. They are problem details
/// with a <c>code</c> (see <see cref="Errors.SeqlineProblems"/>), thrown as refusals by the grains and
/// the edge rather than returned, so that HTTP and the hub share one error model.
/// </summary>
internal static class ProblemResponses
{
    /// <summary>What any call to the cluster may meet: no or a bad token, the cluster busy or restarting.</summary>
    public static TBuilder RefusesAnyCall<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));

    /// <summary>The endpoint's own refusals, beyond <see cref="RefusesAnyCall{TBuilder}"/>.</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses) endpoint.ProducesProblem(status);
        return endpoint;
    }
}
