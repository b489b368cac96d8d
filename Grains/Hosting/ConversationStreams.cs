using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Seqline.Hosting;

/// <summary>The stream provider read-fan-out conversations publish on, as <c>Seqline:Fanout</c> says.</summary>
public static class ConversationStreams
{
    private static readonly TimeSpan MemoryPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Memory queues, or Azure Storage queues shared by the cluster. Subscriptions live in the
    /// "PubSubStore" grain storage either way.
    /// </summary>
    public static ISiloBuilder AddConversationStreams(this ISiloBuilder silo, IConfiguration configuration)
    {
        var fanout = configuration.GetSection(FanoutOptions.Section).Get<FanoutOptions>() ?? new FanoutOptions();
        if (fanout.StreamQueues == StreamQueues.Memory)
        {
            var poll = fanout.StreamPollInterval ?? MemoryPoll;
            return silo.AddMemoryStreams(fanout.StreamProvider, streams => streams.ConfigurePullingAgent(agent =>
                agent.Configure(o => o.GetQueueMsgsTimerPeriod = poll)));
        }

        // Checked at start (SeqlineOptionsValidation); the clients are made when the silo starts.
        var queues = fanout.AzureQueues;
        var tables = configuration.GetSection(SeqlineStorage.Section).Get<SeqlineStorage>()?.AzureTables ?? new AzureTablesOptions();
        return silo.AddAzureQueueStreams(fanout.StreamProvider, streams =>
        {
            streams.ConfigureAzureQueue(options => options.Configure(o =>
            {
                o.QueueServiceClient = AzureStorageEndpoint.Queues(queues, tables);
                o.QueueNames = Enumerable.Range(0, queues.QueueCount).Select(i => $"{queues.QueuePrefix}-{i}").ToList();
            }));
            if (fanout.StreamPollInterval is { } poll)
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = poll));
        });
    }
}
