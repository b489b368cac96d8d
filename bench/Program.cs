using Seqline.Bench.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("dotnet run -c Release --project bench --");
    config.AddCommand<LimitsCommand>("limits");
    config.AddCommand<E2eCommand>("e2e");
    config.AddCommand<CatchUpCommand>("catch-up");
    config.AddCommand<ConnectionsCommand>("connections");
    config.AddCommand<ChaosCommand>("chaos");
    config.AddCommand<LargeGroupCommand>("large-group");
    config.AddCommand<PeerCommand>("peer");
    config.AddBranch("agent", agent =>
    {
        agent.SetDescription("Internal: the bench's own child processes.");
        agent.AddCommand<RawHubAgentCommand>("raw-hub");
        agent.AddCommand<ConnectionsAgentCommand>("connections");
    });
});
return await app.RunAsync(args);
