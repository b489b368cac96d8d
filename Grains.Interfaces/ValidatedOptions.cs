using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Seqline;

/// <summary>Options checked by a validator as the host starts; the silo's and the edge's set-up share the validators of their shared options.</summary>
public static class ValidatedOptions
{
    /// <summary>Runs <typeparamref name="TValidator"/> on <typeparamref name="TOptions"/> at start (once, however often both set-ups ask).</summary>
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services;
    }
}
