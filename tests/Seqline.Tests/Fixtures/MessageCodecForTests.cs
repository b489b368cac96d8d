using System.Text.Json;
using Seqline.Inboxes;
using Seqline.Timelines;

namespace Seqline.Tests.Fixtures;

/// <summary>Reads what an inbox's timeline stores (JSON events), for tests that look at storage itself.</summary>
public static class MessageCodecForTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SyncEvent Event(TimelineEntry entry) => JsonSerializer.Deserialize<SyncEvent>(entry.Payload, Json)!;
}
