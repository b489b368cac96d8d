using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seqline;

/// <summary>
/// A string that holds a JSON document's text (a message's typed content), written into JSON as
/// that document itself rather than as a quoted string, and read back from any JSON value as its
/// text: the wire and the stored forms carry an object, the grains a string they need not parse.
/// </summary>
public sealed class RawJsonText : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteRawValue(value);
}
