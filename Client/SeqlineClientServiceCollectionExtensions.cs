using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Seqline.Client;

/// <summary>Registers a <see cref="SeqlineClient"/> with a dependency injection container.</summary>
public static class SeqlineClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SeqlineClient"/>, a single user's connection (an app, a bot, a load
    /// agent), as a singleton the container disposes. <paramref name="configure"/> sets its
    /// <see cref="SeqlineClientOptions"/>: at least <see cref="SeqlineClientOptions.BaseAddress"/> and
    /// <see cref="SeqlineClientOptions.AccessTokenProvider"/>. Unless it sets a logger factory, the
    /// client logs through the container's.
    /// </summary>
    /// <returns>The options builder, to bind configuration or to configure from other services
    /// (<c>.BindConfiguration("Seqline:Client")</c>, <c>.Configure&lt;ITokenSource&gt;(…)</c>).</returns>
    public static OptionsBuilder<SeqlineClientOptions> AddSeqlineClient(this IServiceCollection services, Action<SeqlineClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SeqlineClientOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<SeqlineClientOptions>>().Value;
            if (ReferenceEquals(settings.LoggerFactory, NullLoggerFactory.Instance) && provider.GetService<ILoggerFactory>() is { } logging)
                settings.LoggerFactory = logging;
            return new SeqlineClient(settings);
        });
        return options;
    }
}
