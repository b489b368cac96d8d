using System.Collections.Concurrent;
using Seqline.Inboxes;
using Seqline.Presence;
using Seqline.Push;

namespace Seqline.Tests.Fixtures;

/// <summary>An observer standing in for an edge node: keeps every event an inbox pushes to it, in arrival order.</summary>
public sealed class InboxPushRecorder : IInboxObserver
{
    private readonly ConcurrentQueue<SyncEvent> _events = new();
    private readonly ConcurrentQueue<(string UserId, TypingNotice Notice)> _typing = new();

    public Task OnPush(InboxPush push)
    {
        foreach (var e in push.Events) _events.Enqueue(e);
        return Task.CompletedTask;
    }

    public Task OnTyping(string userId, TypingNotice notice)
    {
        _typing.Enqueue((userId, notice));
        return Task.CompletedTask;
    }

    private readonly ConcurrentQueue<(string UserId, Seqline.Receipts.ReceiptsNotice Notice)> _receipts = new();

    public Task OnReceipts(string userId, Seqline.Receipts.ReceiptsNotice notice)
    {
        _receipts.Enqueue((userId, notice));
        return Task.CompletedTask;
    }

    public Task OnReceiptsMany(string userId, IReadOnlyList<Seqline.Receipts.ReceiptsNotice> notices)
    {
        foreach (var notice in notices) _receipts.Enqueue((userId, notice));
        return Task.CompletedTask;
    }

    /// <summary>Every receipts notice handed over so far, batched or not, with the user it was for, in arrival order.</summary>
    public IReadOnlyList<(string UserId, Seqline.Receipts.ReceiptsNotice Notice)> Receipts => _receipts.ToList();

    /// <summary>Every typing notice handed over so far, with the user it was for, in arrival order.</summary>
    public IReadOnlyList<(string UserId, TypingNotice Notice)> Typing => _typing.ToList();

    /// <summary>Every event pushed so far, in arrival order.</summary>
    public IReadOnlyList<SyncEvent> Events => _events.ToList();

    public List<long> MessageSeqs(string conversationId) =>
        _events.Where(e => e.Type == SyncEventTypes.Message && e.ConversationId == conversationId).Select(e => e.Seq).ToList();
}
