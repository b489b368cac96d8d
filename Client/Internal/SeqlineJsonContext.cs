using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seqline.Client.Internal;

// Compile-time JSON metadata: no reflection at run time, and the wire shapes are checked when the library builds.
// Web defaults give camelCase names; nulls are omitted, as the server does.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(ConversationSummary))]
[JsonSerializable(typeof(IReadOnlyList<ConversationSummary>))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(SendReceipt))]
[JsonSerializable(typeof(SyncPage))]
[JsonSerializable(typeof(PushBatch))]
[JsonSerializable(typeof(TypingNotice))]
[JsonSerializable(typeof(ReceiptsNotice))]
[JsonSerializable(typeof(ReceiptsNotice[]))]
[JsonSerializable(typeof(CreateConversationRequest))]
[JsonSerializable(typeof(ChangeMembersRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(SeqRequest))]
[JsonSerializable(typeof(DeliveredPosition[]))]
[JsonSerializable(typeof(SetRoleRequest))]
[JsonSerializable(typeof(SetTitleRequest))]
[JsonSerializable(typeof(MuteRequest))]
[JsonSerializable(typeof(ProblemDetailsBody))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class SeqlineJsonContext : JsonSerializerContext;
