using System.ComponentModel;
using Seqline.Bench.Scenarios.Connections;
using Seqline.Bench.Scenarios.Limits;
using Spectre.Console.Cli;

namespace Seqline.Bench.Commands;

public sealed class RawHubAgentSettings : CommandSettings
{
    [CommandOption("--max-seconds <SECONDS>")]
    public int MaxSeconds { get; set; } = 1800;
}

/// <summary>The raw hub in a process of its own: prints <c>URL …</c>, serves until STOP, end of input or its lifetime.</summary>
[Description("Internal: the raw SignalR hub of the limits scenario, in its own process.")]
public sealed class RawHubAgentCommand : AsyncCommand<RawHubAgentSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RawHubAgentSettings settings, CancellationToken cancellationToken)
    {
        await using var server = await RawHubServer.StartAsync();
        Console.WriteLine($"URL {server.Url}");
        using var lifetime = new CancellationTokenSource(TimeSpan.FromSeconds(settings.MaxSeconds));
        try
        {
            while (await Console.In.ReadLineAsync(lifetime.Token) is { } line && line != "STOP") { }
        }
        catch (OperationCanceledException)
        {
            // Lifetime over.
        }
        return 0;
    }
}

public sealed class ConnectionsAgentSettings : CommandSettings
{
    [CommandOption("--url <URL>")]
    public string Url { get; set; } = "";

    [CommandOption("--prefix <PREFIX>")]
    public string Prefix { get; set; } = "c";

    [CommandOption("--from <N>")]
    public int From { get; set; }

    [CommandOption("--count <N>")]
    public int Count { get; set; }

    [CommandOption("--concurrency <N>")]
    public int Concurrency { get; set; } = 16;

    [CommandOption("--max-seconds <SECONDS>")]
    public int MaxSeconds { get; set; } = 1800;
}

[Description("Internal: a share of the connections scenario's devices, in its own process.")]
public sealed class ConnectionsAgentCommand : AsyncCommand<ConnectionsAgentSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ConnectionsAgentSettings settings, CancellationToken cancellationToken) =>
        ConnectionsAgent.RunProcessAsync(new Uri(settings.Url), settings.Prefix, settings.From, settings.Count, settings.Concurrency, TimeSpan.FromSeconds(settings.MaxSeconds));
}
