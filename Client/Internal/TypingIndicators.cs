namespace Seqline.Client.Internal;

// Who is typing where, each until their notice expires: indicators go out by themselves, so a lost
// "stopped typing" can never leave one on.
internal sealed class TypingIndicators(TimeProvider time)
{
    private readonly Dictionary<(string Conversation, string User), DateTimeOffset> _until = [];

    public void Seen(TypingNotice notice)
    {
        var until = time.GetUtcNow().AddMilliseconds(notice.ExpiresInMs);
        lock (_until) _until[(notice.ConversationId, notice.UserId)] = until;
    }

    public IReadOnlyList<string> TypingIn(string conversationId)
    {
        var now = time.GetUtcNow();
        lock (_until)
        {
            foreach (var expired in _until.Where(e => e.Value <= now).Select(e => e.Key).ToList()) _until.Remove(expired);
            return _until.Keys.Where(k => k.Conversation == conversationId).Select(k => k.User).Order(StringComparer.Ordinal).ToList();
        }
    }
}
