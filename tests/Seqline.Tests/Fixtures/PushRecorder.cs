using System.Collections.Concurrent;
using Seqline.Api.Push;
using Seqline.Inboxes;
using Seqline.Push;

namespace Seqline.Tests.Fixtures;

/// <summary>Every message pushed to an edge node, by user: what the inbox sent, whatever the node and the devices then did.</summary>
public sealed class PushRecorder : IPushInterceptor
{
    private readonly ConcurrentQueue<(string User, string Conversation, long Seq)> _messages = new();

    public List<(string, long)> MessagesTo(string userId) =>
        _messages.Where(m => m.User == userId).Select(m => (m.Conversation, m.Seq)).ToList();

    public bool ShouldDeliver(InboxPush push)
    {
        foreach (var e in push.Events.Where(e => e.Type == SyncEventTypes.Message)) _messages.Enqueue((push.UserId, e.ConversationId, e.Seq));
        return true;
    }
}
