using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Conversations;
using Seqline.Storage.Rows.Memory;

namespace Seqline.Tests.Conversations;

/// <summary>When a conversation's state must be written for changes made for later (the fan-out watermark), without a cluster.</summary>
public sealed class WatermarkDueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_first_change_since_the_last_write_sets_when_and_a_write_clears_it()
    {
        var state = new HeldState();
        var store = new ConversationStore("c", state, new MemoryRowStore(), () => { }, NullLogger.Instance);

        store.ChangedForLater(T0.AddSeconds(10));
        store.ChangedForLater(T0.AddSeconds(15));
        Assert.Equal(T0.AddSeconds(10), store.WriteDueBy);

        state.Release();
        await store.WriteState();
        Assert.Null(store.WriteDueBy);
    }

    [Fact]
    public async Task Changes_made_during_a_write_are_due_by_when_they_asked_not_by_the_due_time_already_past()
    {
        var state = new HeldState();
        var store = new ConversationStore("c", state, new MemoryRowStore(), () => { }, NullLogger.Instance);
        store.ChangedForLater(T0.AddSeconds(10));

        var write = store.WriteState();
        await state.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        store.ChangedForLater(T0.AddSeconds(25));
        store.ChangedForLater(T0.AddSeconds(30));
        state.Release();
        await write;

        // Still due (the write may not hold them), but not at once: a write per change would follow.
        Assert.Equal(T0.AddSeconds(25), store.WriteDueBy);
    }

    // Grain state whose writes wait until the test releases them.
    private sealed class HeldState : IPersistentState<ConversationState>
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _release.TrySetResult();

        public ConversationState State { get; set; } = new();
        public string? Etag => null;
        public bool RecordExists => true;

        public Task ClearStateAsync() => Task.CompletedTask;
        public Task ReadStateAsync() => Task.CompletedTask;

        public Task WriteStateAsync()
        {
            _reached.TrySetResult();
            return _release.Task;
        }
    }
}
