using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Conversations;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>Sends that arrive while an append is on disk wait for it, then share the next append.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly ConcurrentQueue<long[]> _appends = new();
    private readonly TaskCompletionSource _firstAppendHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseFirstAppend = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CallsTakenIn _queued = new(nameof(IConversationGrain.Send));

    [Fact]
    public async Task Concurrent_sends_to_one_conversation_become_one_append_acknowledged_only_once_durable()
    {
        await using var node = await new EmbeddedNode(_data.Path, services =>
        {
            CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Conversations, store => store.BeforeAppend = HoldTheFirst);
            services.AddSingleton<IIncomingGrainCallFilter>(_queued);
        }).Start();
        var users = Enumerable.Range(0, 50).Select(i => Ids.User($"s{i}")).ToList();
        var conversation = node.Grains.GetGrain<IConversationGrain>(Ids.Conversation());
        await conversation.Create(new NewConversation(users[0], users, "crowd", ConversationKind.Group));

        var first = conversation.Send(new OutgoingMessage(users[0], Ids.ClientMsg(), $"from {users[0]}"));
        await _firstAppendHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var others = users.Skip(1).Select(u => conversation.Send(new OutgoingMessage(u, Ids.ClientMsg(), $"from {u}"))).ToList();
        await Eventually.True(() => Task.FromResult(_queued.Count == users.Count), TimeSpan.FromSeconds(30), "every send to reach the grain");

        Assert.False(first.IsCompleted, "a send is acknowledged only once its append is durable");
        Assert.DoesNotContain(others, send => send.IsCompleted);
        Assert.Equal([[1L]], _appends);

        _releaseFirstAppend.SetResult();
        var receipts = await Task.WhenAll(others.Prepend(first));

        Assert.Equal([[1L], Enumerable.Range(2, 49).Select(i => (long)i).ToArray()], _appends);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), receipts.Select(r => r.Seq).Order());
        Assert.All(receipts, r => Assert.False(r.Duplicate));
        var history = (await conversation.ReadAfter(users[0], 0, 100)).Messages.ToDictionary(m => m.Seq);
        foreach (var (user, receipt) in users.Zip(receipts)) Assert.Equal($"from {user}", history[receipt.Seq].Body);
    }

    private async Task HoldTheFirst(string timeline, IReadOnlyList<TimelineEntry> entries)
    {
        _appends.Enqueue(entries.Select(e => e.Seq).ToArray());
        if (_appends.Count > 1) return;
        _firstAppendHeld.SetResult();
        await _releaseFirstAppend.Task;
    }

    public void Dispose()
    {
        _releaseFirstAppend.TrySetResult();
        _data.Dispose();
    }
}
