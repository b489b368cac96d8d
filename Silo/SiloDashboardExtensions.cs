using Orleans.Dashboard;
using Seqline.Diagnostics;

namespace Seqline.Silo;

public static class SiloDashboardExtensions
{
    /// <summary>
    /// The Orleans Dashboard's data collection on a silo, when <c>Seqline:Dashboard:Enabled</c> (the
    /// edge serves it). It lives here, not in Grains, because the dashboard package takes a framework
    /// reference on ASP.NET Core, which the grains do not otherwise use. Whether to add it is decided
    /// before the container exists, from the options read as they will be.
    /// </summary>
    public static ISiloBuilder AddSeqlineDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (configuration.ReadValidated<OperatorDashboardOptions>(OperatorDashboardOptions.Section).Enabled) silo.AddDashboard();
        return silo;
    }
}
