using System.Diagnostics;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Web;

/// <summary>
/// One Chromium shared by the scenarios of a fixture (web/e2e/browser-server.mjs): each scenario
/// connects to it and opens its devices as fresh contexts, instead of launching and closing a browser
/// of its own, which cost about 2 s of CPU per scenario on the suite's 2-core machine.
/// </summary>
public sealed class BrowserServer : IAsyncDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;

    private BrowserServer(ChildProcess process, string endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    /// <summary>The WebSocket endpoint scenarios connect to, on 127.0.0.1.</summary>
    public string Endpoint { get; }

    public static async Task<BrowserServer> Start()
    {
        BrowserScenario.RequirePrerequisites();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo("node") { WorkingDirectory = BrowserScenario.WebDirectory };
        start.ArgumentList.Add(Path.Combine("e2e", "browser-server.mjs"));
        var process = ChildProcess.Start("web/e2e/browser-server.mjs", start,
            new Dictionary<string, string?> { ["CHROMIUM"] = BrowserScenario.Chromium },
            line => { if (line.StartsWith("ws ", StringComparison.Ordinal)) ready.TrySetResult(line[3..].Trim()); });

        var clock = Stopwatch.StartNew();
        while (!ready.Task.IsCompleted && !process.HasExited && clock.Elapsed < Startup)
            await Task.WhenAny(ready.Task, Task.Delay(100));
        if (ready.Task.IsCompleted) return new BrowserServer(process, await ready.Task);

        var failure = process.Failure(process.HasExited
            ? "The shared browser exited before it was ready."
            : $"The shared browser was not ready within {Startup.TotalSeconds:0} s.");
        await process.DisposeAsync();
        throw failure;
    }

    /// <summary>Asks the server to close the browser, then kills whatever is left of it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(ChildProcess.SigTerm, TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
    }
}
