using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Seqline.Timelines;

namespace Seqline.Diagnostics;

/// <summary>Reads the head of a timeline no conversation can have, so the store does a real round trip.</summary>
[StatelessWorker]
public sealed class StoreProbeGrain([FromKeyedServices(TimelineStoreNames.Conversations)] ITimelineStore timelines) : Grain, IStoreProbeGrain
{
    // '~' is outside the id alphabet (Identifiers), so this key never holds messages.
    private const string ProbeTimeline = "~readiness";

    public Task Probe() => timelines.GetHeadAsync(ProbeTimeline);
}
