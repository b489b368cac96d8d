using System.Text.Json;
using Seqline.Client;
using Seqline.Client.Internal;

namespace Seqline.Tests.Client;

/// <summary>
/// What the client takes from and gives to the hub has compile-time JSON metadata, as its HTTP
/// bodies do: the reflection fallback in the hub's resolver is for SignalR's own types, and an app
/// trimmed for a phone may not have the reflection metadata of the client's types.
/// </summary>
public sealed class HubPayloadJsonTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(typeof(PushBatch))]
    [InlineData(typeof(TypingNotice))]
    [InlineData(typeof(ReceiptsNotice))]
    [InlineData(typeof(ReceiptsNotice[]))]
    [InlineData(typeof(DeliveredPosition[]))]
    public void Every_hub_payload_type_has_compile_time_metadata(Type type) =>
        Assert.NotNull(((System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver)SeqlineJsonContext.Default).GetTypeInfo(type, Options));

    [Fact]
    public void A_batch_of_receipts_reads_as_the_server_writes_it()
    {
        var json = """[{"conversationId":"g1","members":[{"userId":"bob","read":3,"delivered":4}]},{"conversationId":"d1","members":[{"userId":"ann","delivered":2}]}]""";
        var notices = JsonSerializer.Deserialize(json, SeqlineJsonContext.Default.ReceiptsNoticeArray)!;
        Assert.Equal(["g1", "d1"], notices.Select(n => n.ConversationId));
        Assert.Equal(new MemberReceipt("bob", 3, 4), Assert.Single(notices[0].Members));
        Assert.Equal(new MemberReceipt("ann", null, 2), Assert.Single(notices[1].Members));
    }
}
