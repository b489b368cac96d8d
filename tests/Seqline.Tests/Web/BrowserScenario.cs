using System.Diagnostics;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Web;

/// <summary>
/// Runs one end-to-end scenario of the web client, <c>web/e2e/{name}.mjs</c>: a Node.js script that
/// drives Debian's Chromium through playwright-core against a node's base address, saves its
/// screenshots and exits 0 when every check held. Its output is kept for the test's message.
/// </summary>
public static class BrowserScenario
{
    /// <summary>The scripts stop themselves after 90 s; this only guards against a hung browser.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    public static string WebDirectory => Path.Combine(RepoPaths.Root(), "web");

    /// <summary>Screenshots land here, in the test results CI keeps (git-ignored).</summary>
    public static string ScreenshotDirectory => Path.Combine(RepoPaths.Root(), "tests", "Seqline.Tests", "TestResults", "screenshots");

    /// <summary><c>CHROMIUM</c> if set, else Debian's /usr/bin/chromium, else a <c>chromium</c> on PATH.</summary>
    public static string Chromium { get; } = FindChromium();

    /// <summary>Fails with what to install when the browser or the scripts' packages are missing.</summary>
    public static void RequirePrerequisites()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"Chromium is not at {Chromium}. Install Debian's chromium (bash .ci/test does), or set CHROMIUM to a Chromium binary.");
        if (!Directory.Exists(Path.Combine(WebDirectory, "node_modules", "playwright-core")))
            throw new InvalidOperationException($"playwright-core is not installed in {WebDirectory}. Building the Silo project runs `npm ci` there; so does bash .ci/test.");
    }

    private static string FindChromium()
    {
        if (Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured) return configured;
        const string debian = "/usr/bin/chromium";
        if (File.Exists(debian)) return debian;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);
        return onPath ?? debian;
    }

    /// <summary>Runs the scenario in <paramref name="browser"/> if given, else in a browser it launches itself.</summary>
    public static Task<(int ExitCode, string Output)> Run(string name, Uri baseAddress, BrowserServer? browser = null)
    {
        RequirePrerequisites();
        var start = new ProcessStartInfo("node") { WorkingDirectory = WebDirectory };
        start.ArgumentList.Add(Path.Combine("e2e", name + ".mjs"));
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.ArgumentList.Add(ScreenshotDirectory);
        return ChildProcess.RunAsync($"web/e2e/{name}.mjs", start, Limit, new Dictionary<string, string?>
        {
            ["CHROMIUM"] = Chromium,
            ["SEQLINE_BROWSER_WS"] = browser?.Endpoint,
        });
    }
}
