using Seqline.Api.Hosting;
using Seqline.Api.Operations;
using Seqline.Diagnostics;
using Microsoft.Extensions.Options;
using Seqline.Hosting;

namespace Seqline.Silo;

/// <summary>
/// What a Seqline process is, by <c>Seqline:Role</c>: a <c>Node</c> (default) hosts a silo and the
/// edge together; an <c>Edge</c> hosts only the edge, as an Orleans client of the cluster.
/// </summary>
public static class SeqlineNode
{
    /// <param name="args">Command-line arguments; they are configuration too (<c>--Seqline:Role=Edge</c>).</param>
    /// <param name="configureServices">Runs after Seqline's own registrations, so it can replace them (tests do).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = LaunchEnvironment.Resolve(args, Environment.GetEnvironmentVariable),
        });
        var configuration = builder.Configuration;
        if (string.Equals(configuration["Seqline:Role"], "Edge", StringComparison.OrdinalIgnoreCase))
        {
            builder.UseOrleansClient(client => client.UseSeqlineCluster(configuration).AddSeqlineDiagnostics(configuration));
            builder.Services.DeclareSiloSettings();
        }
        else
        {
            builder.UseOrleans(silo => silo.UseSeqlineClustering(configuration).AddSeqline(configuration).AddSeqlineDiagnostics(configuration).AddSeqlineDashboard(configuration));
        }
        builder.AddSeqlineEdge();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Settings are checked before the node maps, logs or starts anything, so that a wrong one is
        // all an operator sees (the host would check them again as it starts, after logging).
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        WarnOfUnknownSettings(app);
        app.MapSeqlineEdge();
        return app;
    }

    // A key no setting reads changes nothing, which is what an operator who set it needs to hear.
    private static void WarnOfUnknownSettings(WebApplication app)
    {
        var unknown = UnknownSettings.Find(app.Configuration, app.Services.GetServices<SettingsSection>());
        if (unknown.Count == 0) return;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnknownSettings));
        foreach (var setting in unknown)
        {
            if (setting.Meant is { } meant) logger.LogWarning("{Key} is not a Seqline setting and changes nothing; did you mean {Meant}?", setting.Key, meant);
            else logger.LogWarning("{Key} is not a Seqline setting and changes nothing", setting.Key);
        }
    }
}
