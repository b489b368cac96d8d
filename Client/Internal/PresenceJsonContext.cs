using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seqline.Client.Internal;

// Compile-time JSON metadata for presence, as SeqlineJsonContext is for the rest.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserPresence))]
[JsonSerializable(typeof(UserSettings))]
[JsonSerializable(typeof(TypingNotice))]
[JsonSerializable(typeof(SettingsChange))]
[JsonSerializable(typeof(ConversationReceipts))]
[JsonSerializable(typeof(ReceiptsNotice))]
[JsonSerializable(typeof(DeliveredRequest))]
internal sealed partial class PresenceJsonContext : JsonSerializerContext;
