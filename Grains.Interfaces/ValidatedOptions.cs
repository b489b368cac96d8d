using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Seqline;

/// <summary>
/// Seqline's one way to configure: each options type is bound once to its <c>Seqline:</c> section,
/// checked by its <see cref="IValidateOptions{TOptions}"/> as the host starts (<c>ValidateOnStart</c>),
/// and read through <see cref="IOptions{TOptions}"/> by silo set-up, grains and the edge alike, as
/// the Orleans provider packages do. The silo's and the edge's set-ups share the options they both
/// read (limits, push): whichever registers first binds them, the other finds them bound.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> of <paramref name="configuration"/>
    /// and runs <typeparamref name="TValidator"/> on it at start; once, however often set-ups ask.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var options = services.AddOptions<TOptions>();
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationType == typeof(TValidator))) return options;
        services.DeclareSettings<TOptions>(section);
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return options.Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> once, for options that have no rule to check.
    /// </summary>
    public static OptionsBuilder<TOptions> AddBoundOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        var options = services.AddOptions<TOptions>();
        if (services.Any(d => d.ServiceType == typeof(BoundSection<TOptions>))) return options;
        services.AddSingleton(new BoundSection<TOptions>(section));
        services.DeclareSettings<TOptions>(section);
        return options.Bind(configuration.GetSection(section));
    }

    /// <summary>
    /// The few values a set-up needs before the container exists (which store provider to wire,
    /// whether to add the dashboard): <paramref name="section"/> bound as <see cref="IOptions{TOptions}"/>
    /// binds it and checked by the same <paramref name="validator"/>, so the set-up's view and the
    /// running node's cannot disagree, and a wrong value fails here with the message start would give.
    /// Everything else is read through <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static TOptions ReadValidated<TOptions>(this IConfiguration configuration, string section, IValidateOptions<TOptions>? validator = null)
        where TOptions : class, new()
    {
        var options = new TOptions();
        configuration.GetSection(section).Bind(options);
        if (validator?.Validate(Options.DefaultName, options) is { Failed: true } result)
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        return options;
    }

    /// <summary>
    /// Declares the properties of <typeparamref name="TOptions"/> the settings of <paramref name="section"/>,
    /// for <see cref="UnknownSettings"/>. The two methods above do it; options read only through
    /// <see cref="ReadValidated"/> are declared by the set-up that reads them.
    /// </summary>
    public static IServiceCollection DeclareSettings<TOptions>(this IServiceCollection services, string section) =>
        services.DeclareSettings(new SettingsSection(section, typeof(TOptions)));

    /// <summary>Declares <paramref name="declared"/>, once however often set-ups ask.</summary>
    public static IServiceCollection DeclareSettings(this IServiceCollection services, SettingsSection declared)
    {
        if (!services.Any(d => declared.Equals(d.ImplementationInstance))) services.AddSingleton(declared);
        return services;
    }

    // Marks an options type as bound, so a second set-up in the same host does not bind it again.
    private sealed record BoundSection<TOptions>(string Section);
}
