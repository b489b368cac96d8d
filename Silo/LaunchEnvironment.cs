using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Seqline.Silo;

/// <summary>
/// The environment <c>dotnet run</c> starts the node in. The launch profile
/// (Properties/launchSettings.json) proposes Development for a developer's machine through
/// <see cref="Variable"/>; it takes effect only when the operator named no environment
/// (<c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c> or <c>--environment</c>), so an
/// operator's Production is never turned into Development, with its tokens for anyone.
/// </summary>
public static class LaunchEnvironment
{
    public const string Variable = "SEQLINE_LAUNCH_ENVIRONMENT";

    /// <summary>The launch profile's environment when the operator named none; otherwise null (the host decides as usual).</summary>
    public static string? Resolve(string[] args, Func<string, string?> variables)
    {
        var named = new ConfigurationBuilder().AddCommandLine(args).Build()[HostDefaults.EnvironmentKey];
        if (!string.IsNullOrEmpty(named)) return null;
        if (!string.IsNullOrEmpty(variables("ASPNETCORE_ENVIRONMENT")) || !string.IsNullOrEmpty(variables("DOTNET_ENVIRONMENT"))) return null;
        var proposed = variables(Variable);
        return string.IsNullOrEmpty(proposed) ? null : proposed;
    }
}
