using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using Seqline.Timelines.AzureTables;

namespace Seqline.Tests.Timelines;

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableTimelineStoreTests(AzuriteFixture azurite) : TimelineStoreConformance
{
    // A table of its own per instance, so no test sees another's rows. Table names are letters and
    // digits, starting with a letter.
    protected override ITimelineStore Store { get; } =
        new AzureTableTimelineStore(azurite.ConnectionString, "timelines" + Guid.NewGuid().ToString("N"));

    // Beyond the conformance suite: a binary property holds 64 KiB and a transaction 4 MiB, so large
    // payloads are split across properties and large appends across transactions.
    [Fact]
    public async Task Payloads_larger_than_one_property_and_appends_larger_than_one_request_round_trip()
    {
        var t = NewTimeline();
        var random = new Random(11);
        var entries = Enumerable.Range(1, 24).Select(seq =>
        {
            var payload = new byte[150_000 + seq];
            random.NextBytes(payload);
            return new TimelineEntry(seq, DateTimeOffset.UnixEpoch.AddDays(seq), payload);
        }).ToArray();

        await Store.AppendAsync(t, entries);

        var read = await Store.ReadAfterAsync(t, 0, 100);
        Assert.Equal(entries.Select(e => e.Seq), read.Select(e => e.Seq));
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(entries[i].Payload, read[i].Payload);
            Assert.Equal(entries[i].Timestamp, read[i].Timestamp);
        }
        Assert.Equal(new TimelineHead(24, 0), await Store.GetHeadAsync(t));
    }
}
