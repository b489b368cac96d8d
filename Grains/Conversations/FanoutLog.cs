using Microsoft.Extensions.Logging;

namespace Seqline.Conversations;

/// <summary>What a conversation's fan-out logs, in one place for its loops and its calls.</summary>
internal static partial class FanoutLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Fan-out of conversation {ConversationId}: {Step}")]
    public static partial void Step(this ILogger logger, string conversationId, FanoutStep step);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fan-out of conversation {ConversationId} catching up {UserId}: {Step}")]
    public static partial void CatchUpStep(this ILogger logger, string conversationId, string userId, FanoutStep step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out of conversation {ConversationId} failed (attempt {Attempt})")]
    public static partial void FanoutFailed(this ILogger logger, Exception error, string conversationId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {ConversationId} could not deliver to {UserIds}; they are caught up on their own")]
    public static partial void DeliveryFailed(this ILogger logger, Exception error, string conversationId, string userIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} could not deliver to {Count} inboxes; they are caught up on their own")]
    public static partial void FellBehind(this ILogger logger, string conversationId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing messages of conversation {ConversationId} failed; devices will pull them")]
    public static partial void PublishFailed(this ILogger logger, Exception error, string conversationId);
}
