using Microsoft.Extensions.Options;

namespace Seqline.Silo;

/// <summary>Which failures at start are the operator's settings, and what they say in one line.</summary>
public static class StartupFailure
{
    private const string ConfigurationBinder = "Microsoft.Extensions.Configuration.Binder";

    /// <summary>
    /// The failures of options validation (all of them, when several options failed at once) and
    /// values the configuration binder could not convert; null for anything else, which is a bug
    /// and keeps its stack trace.
    /// </summary>
    public static string? Explain(Exception error) => error switch
    {
        OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException) =>
            string.Join(" ", inner.Cast<OptionsValidationException>().SelectMany(e => e.Failures)),
        InvalidOperationException { Source: ConfigurationBinder } unreadable => OneLine(unreadable.InnerException is { } cause ? $"{unreadable.Message} {cause.Message}" : unreadable.Message),
        _ => null,
    };

    private static string OneLine(string text) => string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
