using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Seqline.Diagnostics;

namespace Seqline.Api.Operations;

/// <summary>
/// The Orleans Dashboard on the edge, when <c>Seqline:Dashboard:Enabled</c>: under its path, behind
/// the API's token authentication, for callers whose token carries the operator role.
/// </summary>
public static class DashboardExtensions
{
    public const string OperatorPolicy = "seqline-operator";

    public static WebApplicationBuilder AddSeqlineDashboard(this WebApplicationBuilder builder)
    {
        // The policy exists either way (only a mapped dashboard asks for it), with the role of the options.
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<OperatorDashboardOptions>>((authorization, dashboard) =>
            authorization.AddPolicy(OperatorPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(dashboard.Value.RoleClaim, dashboard.Value.Role)));
        return builder;
    }

    public static WebApplication MapSeqlineDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<OperatorDashboardOptions>>().Value;
        if (options.Enabled) app.MapOrleansDashboard(options.Path).RequireAuthorization(OperatorPolicy);
        return app;
    }
}
