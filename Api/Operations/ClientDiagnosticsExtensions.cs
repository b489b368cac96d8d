using Microsoft.Extensions.Configuration;

namespace Seqline.Api.Operations;

public static class ClientDiagnosticsExtensions
{
    /// <summary>
    /// For an edge node that is an Orleans client: trace context carried into grain calls.
    /// </summary>
    public static IClientBuilder AddSeqlineDiagnostics(this IClientBuilder client, IConfiguration configuration) =>
        client.AddActivityPropagation();
}
