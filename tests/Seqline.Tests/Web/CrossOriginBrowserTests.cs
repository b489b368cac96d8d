using Seqline.Tests.Fixtures;
using Xunit.Abstractions;

namespace Seqline.Tests.Web;

/// <summary>
/// <c>Seqline:Cors:AllowedOrigins</c> in a real browser: headless Chromium runs
/// <c>web/e2e/cors.mjs</c>, whose pages come from two other origins than the node.
/// </summary>
public sealed class CrossOriginBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_page_of_a_named_origin_calls_the_api_and_connects_to_the_hub_and_one_of_another_origin_cannot()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Cors:AllowedOrigins:0"] = "http://app.localhost:5173",
        });

        var (exitCode, text) = await BrowserScenario.Run("cors", node.BaseAddress);

        output.WriteLine(text);
        Assert.True(exitCode == 0, $"web/e2e/cors.mjs exited with {exitCode}:{Environment.NewLine}{text}");
    }

    public void Dispose() => _data.Dispose();
}
