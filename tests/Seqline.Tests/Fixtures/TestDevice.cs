using Seqline.Inboxes;

namespace Seqline.Tests.Fixtures;

/// <summary>One device of a user, pulling the user's inbox from its own cursor as a client would.</summary>
public sealed class TestDevice(IGrainFactory grains, string userId, string? cursor = null)
{
    private readonly IInboxGrain _inbox = grains.GetGrain<IInboxGrain>(userId);

    public string UserId => userId;

    /// <summary>The device's checkpoint; pass it to a new device object to carry on after a restart.</summary>
    public string? Cursor { get; private set; } = cursor;
    public List<SyncEvent> Events { get; } = [];
    public SyncPage? LastReset { get; private set; }

    /// <summary>First contact: a reset that puts the cursor at the inbox's head.</summary>
    public async Task<TestDevice> Connect()
    {
        var page = await _inbox.Sync(null, 100);
        Assert.True(page.Reset);
        LastReset = page;
        Cursor = page.Cursor;
        return this;
    }

    /// <summary>Pulls until the inbox has nothing more; returns the events of this pull.</summary>
    public async Task<IReadOnlyList<SyncEvent>> PullAll(int limit = 1000)
    {
        var pulled = new List<SyncEvent>();
        for (var round = 0; round < 10_000; round++)
        {
            var page = await _inbox.Sync(Cursor, limit);
            Assert.False(page.Reset, "an up-to-date cursor must not reset");
            // However many timelines a page merges, it holds at most `limit` events.
            Assert.InRange(page.Events.Count, 0, limit);
            pulled.AddRange(page.Events);
            Cursor = page.Cursor;
            if (!page.HasMore) break;
        }
        Events.AddRange(pulled);
        return pulled;
    }

    /// <summary>Pulls until the device holds at least <paramref name="count"/> messages of the conversation (bounded).</summary>
    public Task PullUntil(string conversationId, int count, TimeSpan within) =>
        Eventually.True(async () => { await PullAll(); return MessageSeqs(conversationId).Count >= count; },
            within, $"{userId}'s device to get {count} messages of {conversationId}");

    public List<long> MessageSeqs(string conversationId) => Events
        .Where(e => e.Type == SyncEventTypes.Message && e.ConversationId == conversationId)
        .Select(e => e.Seq)
        .ToList();
}
