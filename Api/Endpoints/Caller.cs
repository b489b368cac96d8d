using System.Security.Claims;
using Microsoft.Extensions.Options;
using Seqline.Api.Auth;

namespace Seqline.Api.Endpoints;

/// <summary>
/// What every endpoint works with, bound with <c>[AsParameters]</c>: the calling user (the validated
/// token's <c>sub</c>), the cluster's grains and the protocol's limits.
/// </summary>
internal sealed record Caller(ClaimsPrincipal User, IGrainFactory Grains, IOptions<SeqlineLimits> Limits)
{
    public string Id => User.UserId();

    /// <summary>The page size asked for, checked before anything uses it (<see cref="ErrorCode.Invalid"/> outside 1..MaxPageSize).</summary>
    public int PageSize(int? limit) => Limits.Value.RequirePageSize(limit ?? Limits.Value.DefaultPageSize);
}
