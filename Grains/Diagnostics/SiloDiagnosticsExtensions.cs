using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Seqline.Storage.Sqlite;
using Seqline.Timelines;

namespace Seqline.Diagnostics;

/// <summary>
/// What an operator watches on a silo: metrics, spans and readiness. The Orleans Dashboard's silo
/// side is added by the Silo process (<c>SiloDashboardExtensions</c>): the dashboard package brings
/// ASP.NET Core, which the grains have no use for.
/// </summary>
public static class SiloDiagnosticsExtensions
{
    /// <summary>
    /// The stores' and the SQLite writer's instruments, activity propagation across grain calls
    /// (when <see cref="GrainCallTraceOptions"/> says so), a
    /// measuring wrapper around each timeline store and the silo's readiness check. Call it after the storage
    /// is added (<c>AddSeqline</c>), so that there are stores to wrap. Exporting is the host's
    /// business (OpenTelemetry in the Silo process).
    /// </summary>
    public static ISiloBuilder AddSeqlineDiagnostics(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        services.AddMetrics();
        services.TryAddSingleton<TimelineMetrics>();
        services.TryAddSingleton<SqliteMetrics>();
        services.DeclareSettings<GrainCallTraceOptions>(GrainCallTraceOptions.Section);
        if (GrainCallTraceOptions.On(configuration)) silo.AddActivityPropagation();
        foreach (var name in new[] { TimelineStoreNames.Conversations, TimelineStoreNames.Inboxes }) MeasureTimelineStore(services, name);
        services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [SeqlineDiagnostics.ReadinessTag]);
        return silo;
    }

    // Wraps the store the storage provider registered under this name, whichever provider it is.
    private static void MeasureTimelineStore(IServiceCollection services, string name)
    {
        var registered = services.LastOrDefault(d => d.IsKeyedService && d.ServiceType == typeof(ITimelineStore) && Equals(d.ServiceKey, name));
        if (registered is null) return;
        services.Remove(registered);
        services.AddKeyedSingleton<ITimelineStore>(name, (sp, key) =>
            new MeasuredTimelineStore(Create(registered, sp, key), name, sp.GetRequiredService<TimelineMetrics>()));
    }

    private static ITimelineStore Create(ServiceDescriptor registered, IServiceProvider services, object? key) =>
        (ITimelineStore)(registered.KeyedImplementationInstance
            ?? registered.KeyedImplementationFactory?.Invoke(services, key)
            ?? ActivatorUtilities.CreateInstance(services, registered.KeyedImplementationType!));
}
