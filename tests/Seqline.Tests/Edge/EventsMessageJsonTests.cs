using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Seqline.Api.Hosting;
using Seqline.Api.Push;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Receipts;

namespace Seqline.Tests.Edge;

/// <summary>
/// The <c>events</c> message is written by source-generated JSON rather than by the hub protocol's
/// reflection: byte for byte what the protocol's own options made of the message before, for every
/// field and every enum value, since browsers and apps parse it.
/// </summary>
public sealed class EventsMessageJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 7, 0, 0, 123, TimeSpan.FromHours(1));

    // The options the node's hub writes with, from the edge's own registration.
    private static JsonSerializerOptions ProtocolOptions()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.AddSeqlineEdge();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<JsonHubProtocolOptions>>().Value.PayloadSerializerOptions;
    }

    // What the node wrote before: an anonymous object through the protocol's options.
    private static string AsBefore(IReadOnlyList<SyncEvent> events, string prevCursor, string cursor, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(new { events, prevCursor, cursor }, options);

    private static string AsNow(IReadOnlyList<SyncEvent> events, string prevCursor, string cursor, JsonSerializerOptions options) =>
        JsonSerializer.Serialize<object>(new EventsMessage(events, prevCursor, cursor), options);

    private static SyncEvent EveryField(FanoutMode fanout, MemberRole role) => new(
        SyncEventTypes.Message, "c-1", 42, "alice", "m-1", At, "héllo \"there\" <b>\u2028", fanout, true, ["bob", "carol"],
        "bob", role, "Title", 41, At.AddMinutes(1), [new Reaction("👍", ["bob", "carol"]), new Reaction("😀", ["alice"])], "🎉", false,
        40, new MessageQuote("carol", "the quote", "image", true), "image", """{"url":"https://example.com/a.png","size":12, "nested":[1,2.5,null]}""");

    [Fact]
    public void Every_field_and_every_enum_value_is_written_as_before()
    {
        var options = ProtocolOptions();
        foreach (var fanout in Enum.GetValues<FanoutMode>())
        {
            foreach (var role in Enum.GetValues<MemberRole>())
            {
                var full = EveryField(fanout, role);
                // A field added to SyncEvent must be set here too, or this test would not cover it.
                Assert.All(typeof(SyncEvent).GetProperties().Where(p => p.CanWrite), p => Assert.NotNull(p.GetValue(full)));
                IReadOnlyList<SyncEvent> events = [full, new SyncEvent(SyncEventTypes.Read, "c-1", 7)];

                var now = AsNow(events, "prev", "next", options);

                Assert.Equal(AsBefore(events, "prev", "next", options), now);
                Assert.Contains($"\"fanout\":\"{fanout.ToString().ToLowerInvariant()}\"", now);
                Assert.Contains($"\"role\":\"{role.ToString().ToLowerInvariant()}\"", now);
            }
        }
    }

    [Fact]
    public void Absent_fields_are_left_out_and_an_empty_push_has_its_cursors()
    {
        var options = ProtocolOptions();
        IReadOnlyList<SyncEvent> plain = [new SyncEvent(SyncEventTypes.Message, "c-1", 1, "alice", "m-1", At, "hi")];

        Assert.Equal(AsBefore(plain, "a", "b", options), AsNow(plain, "a", "b", options));
        Assert.DoesNotContain("null", AsNow(plain, "a", "b", options));
        Assert.Equal("""{"events":[],"prevCursor":"h","cursor":"h"}""", AsNow([], "h", "h", options));
    }

    [Fact]
    public void Receipts_riding_on_a_push_are_written_as_the_hubs_receiptsMany_writes_them()
    {
        var options = ProtocolOptions();
        IReadOnlyList<SyncEvent> plain = [new SyncEvent(SyncEventTypes.Message, "c-1", 1, "alice", "m-1", At, "hi")];
        IReadOnlyList<ReceiptsNotice> receipts =
            [new ReceiptsNotice("c-1", [new MemberReceipt("bob", 3, 4), new MemberReceipt("carol", null, 2)]), new ReceiptsNotice("d-2", [new MemberReceipt("dan", 9, 9)])];

        var now = JsonSerializer.Serialize<object>(new EventsMessage(plain, "a", "b", receipts), options);

        // The receiptsMany notice's argument, as SignalR writes it through the same options.
        var many = JsonSerializer.Serialize(receipts, options);
        Assert.Equal(AsBefore(plain, "a", "b", options)[..^1] + ",\"receipts\":" + many + "}", now);
        // None riding, or an empty list: no field at all.
        Assert.Equal(AsNow(plain, "a", "b", options), JsonSerializer.Serialize<object>(new EventsMessage(plain, "a", "b", []), options));
    }
}
