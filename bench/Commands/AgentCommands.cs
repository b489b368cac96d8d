using System.ComponentModel;
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

