using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
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
        // The provider's name and kind are set while the silo is built; the rest is read from the options at start.
        var fanout = SeqlineOptionsValidation.ReadFanout(configuration);
        if (fanout.StreamQueues == StreamQueues.Memory)
        {
            return silo.AddMemoryStreams(fanout.StreamProvider, streams => streams.ConfigurePullingAgent(agent =>
                agent.Configure<IOptions<FanoutOptions>>((o, options) => o.GetQueueMsgsTimerPeriod = options.Value.StreamPollInterval ?? MemoryPoll)));
        }

        return silo.AddAzureQueueStreams(fanout.StreamProvider, streams =>
        {
            streams.ConfigureAzureQueue(options => options.Configure<IOptions<FanoutOptions>, IOptions<SeqlineStorage>>((o, fanout, storage) =>
            {
                var queues = fanout.Value.AzureQueues;
                o.QueueServiceClient = AzureStorageEndpoint.Queues(queues, storage.Value.AzureTables);
                o.QueueNames = Enumerable.Range(0, queues.QueueCount).Select(i => $"{queues.QueuePrefix}-{i}").ToList();
            }));
            streams.ConfigurePullingAgent(agent => agent.Configure<IOptions<FanoutOptions>>((o, options) =>
            {
                if (options.Value.StreamPollInterval is { } poll) o.GetQueueMsgsTimerPeriod = poll;
            }));
        });
    }
}
