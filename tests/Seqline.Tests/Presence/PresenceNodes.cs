using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Presence;

/// <summary>
/// A full node on SQLite and an edge-only node beside it, both with a typing interval long enough
/// that a second notice on one connection is always too soon, and counting what inboxes write.
/// </summary>
public sealed class PresenceNodes : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private CountingGrainStorage _states = null!;
    private CountingTimelineStore _inboxTimelines = null!;

    public SeqlineServer Node { get; private set; } = null!;
    public SeqlineServer Edge { get; private set; } = null!;
    public int TypingMaxMembers => 3;
    public int ExpiresInMs => 7_200_000;

    /// <summary>Writes of inboxes: their states (checkpoints, settings) and their sync timelines' events.</summary>
    public long InboxWrites => _states.InboxWrites + _inboxTimelines.RowsWritten;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seqline:Presence:TypingInterval"] = "01:00:00",
            ["Seqline:Presence:TypingExpiry"] = "02:00:00",
            ["Seqline:Presence:TypingMaxMembers"] = TypingMaxMembers.ToString(),
            // Every append checkpoints at once: no checkpoint is ever pending to land in a count.
            ["Seqline:Sync:CheckpointEvents"] = "1",
        };
        Node = await SeqlineServer.StartNode(_data.Path, services =>
        {
            CountingGrainStorage.CountSqlite(services, s => _states = s);
            CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Inboxes, s => _inboxTimelines = s);
        }, settings);
        Edge = await SeqlineServer.StartEdge(Node.GatewayPort, settings: settings);
    }

    public async Task DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Node.DisposeAsync();
        _data.Dispose();
    }
}
