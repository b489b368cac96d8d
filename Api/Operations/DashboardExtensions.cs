using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
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
        var section = builder.Configuration.GetSection(OperatorDashboardOptions.Section);
        builder.Services.Configure<OperatorDashboardOptions>(section);
        var options = section.Get<OperatorDashboardOptions>() ?? new();
        if (options.Enabled)
        {
            builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(options.RoleClaim, options.Role));
        }
        return builder;
    }

    public static WebApplication MapSeqlineDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<OperatorDashboardOptions>>().Value;
        if (options.Enabled) app.MapOrleansDashboard(options.Path).RequireAuthorization(OperatorPolicy);
        return app;
    }
}
