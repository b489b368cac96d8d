using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Seqline.OfflinePush;

/// <summary>The offline push hook's services: its options from <c>Seqline:OfflinePush</c>, the dispatcher and its HTTP client.</summary>
public static class OfflinePushExtensions
{
    public static IServiceCollection AddOfflinePush(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<OfflinePushOptions, OfflinePushOptionsValidator>(configuration, OfflinePushOptions.Section);
        services.TryAddKeyedSingleton(OfflinePushOptions.Clock, TimeProvider.System);
        services.AddHttpClient(OfflinePushDispatcher.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<OfflinePushDispatcher>();
        // Its lifecycle sends what is waiting once the silo has stopped.
        services.AddHostedService(sp => sp.GetRequiredService<OfflinePushDispatcher>());
        return services;
    }
}
