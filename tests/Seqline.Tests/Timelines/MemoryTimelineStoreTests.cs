using Seqline.Timelines;
using Seqline.Timelines.Memory;

namespace Seqline.Tests.Timelines;

public sealed class MemoryTimelineStoreTests : TimelineStoreConformance
{
    protected override ITimelineStore Store { get; } = new MemoryTimelineStore();
}
