using Seqline.Silo;

namespace Seqline.Tests.Hosting;

/// <summary>
/// <c>dotnet run</c> applies the launch profile's variables over the operator's. The profile's
/// Development is a proposal for a developer's machine, taken only when nobody named an environment.
/// </summary>
public sealed class LaunchEnvironmentTests
{
    [Theory]
    [InlineData(null, null, null, "Development")]
    [InlineData("Production", null, null, null)]
    [InlineData(null, "Production", null, null)]
    [InlineData(null, null, "Production", null)]
    [InlineData("Staging", "Production", null, null)]
    public void The_launch_profile_proposes_development_only_when_no_environment_is_named(
        string? aspnetcoreEnvironment, string? dotnetEnvironment, string? commandLine, string? expected)
    {
        var variables = new Dictionary<string, string?>
        {
            [LaunchEnvironment.Variable] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = aspnetcoreEnvironment,
            ["DOTNET_ENVIRONMENT"] = dotnetEnvironment,
        };
        string[] args = commandLine is null ? [] : ["--environment", commandLine];

        Assert.Equal(expected, LaunchEnvironment.Resolve(args, name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void Without_the_launch_profile_nothing_is_proposed() =>
        Assert.Null(LaunchEnvironment.Resolve([], _ => null));
}
