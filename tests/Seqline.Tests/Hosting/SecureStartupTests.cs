using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// The real node as an operator starts it: outside Development it will not run on a secret
/// published in the code, and it says so in one line; the environment the operator names wins over
/// the launch profile that <c>dotnet run</c> applies.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SecureStartupTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Outside_development_a_missing_secret_stops_the_node_with_one_line_and_exit_code_1(bool noSigningKey, bool noCursorKey)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Seqline__Auth__SigningKey"] = noSigningKey ? null : SeqlineServer.SigningKey,
            ["Seqline__Sync__CursorKey"] = noCursorKey ? null : SeqlineServer.CursorKey,
        };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(_data.Path, SiloPorts.Free(), environment);

        Assert.True(exitCode == 1, $"exit code {exitCode}, output:{Environment.NewLine}{output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Equal(noSigningKey, line.Contains("Seqline:Auth:SigningKey", StringComparison.Ordinal));
        Assert.Equal(noCursorKey, line.Contains("Seqline:Sync:CursorKey", StringComparison.Ordinal));
        // Turning on tokens for anyone is not the way out of a missing secret.
        Assert.DoesNotContain("DevTokens", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_option_stops_the_node_with_one_line_naming_it()
    {
        var (exitCode, output) = await SiloProcess.RunToExitAsync(_data.Path, SiloPorts.Free(), new Dictionary<string, string?>
        {
            ["Seqline__Limits__DefaultPageSize"] = "0",
        });

        Assert.True(exitCode == 1, $"exit code {exitCode}, output:{Environment.NewLine}{output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Seqline:Limits:DefaultPageSize", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ASPNETCORE_ENVIRONMENT")]
    [InlineData("DOTNET_ENVIRONMENT")]
    public async Task With_the_launch_profile_applied_the_operators_environment_still_wins(string variable)
    {
        // What `dotnet run --project Silo` does: the profile's variables over the operator's.
        var environment = new Dictionary<string, string> { [variable] = "Production" };
        foreach (var (name, value) in LaunchProfileVariables()) environment[name] = value;
        var unset = new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" }.Where(v => !environment.ContainsKey(v));
        var ports = SiloPorts.Free();

        await using var node = await SiloProcess.StartAsync(_data.Path, ports, environment, unset);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http.ToString(CultureInfo.InvariantCulture)}/") };

        var token = await http.PostAsJsonAsync("api/dev/token", new { userId = "mallory" });
        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
    }

    private static Dictionary<string, string> LaunchProfileVariables()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root(), "Silo", "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().Single(p => p.Value.GetProperty("commandName").GetString() == "Project").Value;
        return profile.TryGetProperty("environmentVariables", out var variables)
            ? variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!)
            : [];
    }

    public void Dispose() => _data.Dispose();
}
