using Seqline.Api.Hosting;
using Seqline.Hosting;

namespace Seqline.Silo;

/// <summary>
/// What a Seqline process is, by <c>Seqline:Role</c>: a <c>Node</c> (default) hosts a silo and the
/// edge together; an <c>Edge</c> hosts only the edge, as an Orleans client of the cluster.
/// </summary>
public static class SeqlineNode
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        if (string.Equals(configuration["Seqline:Role"], "Edge", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseOrleansClient(client => client.UseSeqlineCluster(configuration));
        }
        else
        {
            builder.UseOrleans(silo => silo.UseSeqlineClustering(configuration).AddSeqline(configuration));
        }
        builder.AddSeqlineEdge();

        var app = builder.Build();
        app.MapSeqlineEdge();
        return app;
    }
}
