using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;
using Seqline.Diagnostics;

namespace Seqline.Api.Operations;

public static class ClientDiagnosticsExtensions
{
    /// <summary>
    /// For an edge node that is an Orleans client: trace context carried into grain calls (when
    /// <see cref="GrainCallTraceOptions"/> says so), and the
    /// dashboard's client side when <c>Seqline:Dashboard:Enabled</c> (the silos must enable it too).
    /// </summary>
    public static IClientBuilder AddSeqlineDiagnostics(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.DeclareSettings<GrainCallTraceOptions>(GrainCallTraceOptions.Section);
        if (GrainCallTraceOptions.On(configuration)) client.AddActivityPropagation();
        // Whether to add the dashboard's services at all is decided before the container exists.
        if (configuration.ReadValidated<OperatorDashboardOptions>(OperatorDashboardOptions.Section).Enabled) client.AddDashboard();
        return client;
    }
}
