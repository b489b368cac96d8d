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

        var queues = fanout.AzureQueues;
        var connectionString = string.IsNullOrEmpty(queues.ConnectionString)
            ? configuration.GetSection(SeqlineStorage.Section).Get<SeqlineStorage>()?.AzureTables.ConnectionString
            : queues.ConnectionString;
        if (string.IsNullOrEmpty(connectionString))
            throw new InvalidOperationException("Seqline:Fanout:StreamQueues is AzureQueues, but neither Seqline:Fanout:AzureQueues:ConnectionString nor Seqline:Storage:AzureTables:ConnectionString is set.");
        if (queues.QueueCount < 1)
            throw new InvalidOperationException("Seqline:Fanout:AzureQueues:QueueCount must be at least 1.");

        return silo.AddAzureQueueStreams(fanout.StreamProvider, streams =>
        {
            streams.ConfigureAzureQueue(options => options.Configure(o =>
            {
                o.QueueServiceClient = new Azure.Storage.Queues.QueueServiceClient(connectionString);
                o.QueueNames = Enumerable.Range(0, queues.QueueCount).Select(i => $"{queues.QueuePrefix}-{i}").ToList();
            }));
            if (fanout.StreamPollInterval is { } poll)
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = poll));
        });
    }
}
