using System.Text.Json;
using System.Text.Json.Serialization;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// The body of an <c>events</c> message on the hub: a push's events and the cursors it leads from
/// and to (PROTOCOL.md). Written with source-generated JSON: SignalR's protocol serializes each
/// push's argument by reflection otherwise, which allocated its write stack for every push, the
/// largest single share of what the node allocated per message.
/// </summary>
/// <param name="Receipts">Receipts notices riding on the push (<see cref="InboxPush.Receipts"/>); null when none.</param>
[JsonConverter(typeof(EventsMessageJson))]
public sealed record EventsMessage(IReadOnlyList<SyncEvent> Events, string PrevCursor, string Cursor, IReadOnlyList<ReceiptsNotice>? Receipts = null);

/// <summary>
/// Writes an <see cref="EventsMessage"/> as the protocol's options would (camelCase, nulls left
/// out, enums as camelCase strings), through <see cref="EventsMessageJsonContext"/>'s generated
/// writers, which need no write stack. The hub's clients read it; the node never does.
/// </summary>
internal sealed class EventsMessageJson : JsonConverter<EventsMessage>
{
    public override EventsMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The node writes events messages; it never reads them.");

    public override void Write(Utf8JsonWriter writer, EventsMessage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("events"u8);
        // By index: the generated writer of a list goes through IEnumerable, whose enumerator is an
        // object of its own for every push.
        writer.WriteStartArray();
        var events = value.Events;
        for (var i = 0; i < events.Count; i++) JsonSerializer.Serialize(writer, events[i], EventsMessageJsonContext.Default.SyncEvent);
        writer.WriteEndArray();
        writer.WriteString("prevCursor"u8, value.PrevCursor);
        writer.WriteString("cursor"u8, value.Cursor);
        if (value.Receipts is { Count: > 0 } receipts)
        {
            // As the hub's receiptsMany writes them (the protocol's options), so a client reads both alike.
            writer.WritePropertyName("receipts"u8);
            JsonSerializer.Serialize(writer, receipts, options);
        }
        writer.WriteEndObject();
    }
}

// The generated writers run only with no converters in the options (the fast path), so SyncEvent's
// enum properties name their own converter (CamelCaseEnumJson) instead of the options doing it.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncEvent))]
internal sealed partial class EventsMessageJsonContext : JsonSerializerContext;
