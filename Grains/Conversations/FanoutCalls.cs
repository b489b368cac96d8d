using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Seqline.Inboxes;

namespace Seqline.Conversations;

/// <summary>What the fan-out needs of its conversation grain besides what it stored.</summary>
public interface IConversationFanoutHost
{
    /// <summary>The last seq durably appended.</summary>
    long Head { get; }

    IAsyncStream<ConversationMessages> Stream { get; }
}

/// <summary>
/// The calls a conversation's fan-out makes to its members' inboxes (and, in read fan-out, its
/// stream), at most <c>FanoutParallelism</c> at once across all its loops: it owns that bound. A
/// call that fails is not thrown: it comes back as the user whose inbox failed, for the caller to
/// record in their row. The test gate (<see cref="IFanoutGate"/>) is passed just before each
/// delivery and each round of notices.
/// </summary>
internal sealed class FanoutCalls(
    ConversationStore store,
    IConversationFanoutHost host,
    IGrainFactory grains,
    IFanoutGate gate,
    int parallelism,
    ILogger logger)
{
    private readonly SemaphoreSlim _calls = new(Math.Max(1, parallelism));

    /// <summary>Tells each inbox of its notice (a join or a removal); returns those told and the users whose inboxes failed.</summary>
    public async Task<(List<Notice> Told, HashSet<string> Failed)> Tell(IReadOnlyList<Notice> notices)
    {
        var told = new List<Notice>();
        try
        {
            await gate.BeforeNoticesAsync(store.Id, notices.Select(n => n.Row.UserId).ToList());
            var results = await Task.WhenAll(notices.Select(async n => (Notice: n, Ok: await Try(() => n.Change.Joins
                ? Inbox(n.Row.UserId).Join(store.Reference(n.Change.Since))
                : Inbox(n.Row.UserId).Leave(store.Id, n.Change.Since - 1), n.Row.UserId))));
            told.AddRange(results.Where(r => r.Ok).Select(r => r.Notice));
        }
        catch (Exception error)
        {
            logger.DeliveryFailed(error, store.Id, string.Join(", ", notices.Select(n => n.Row.UserId)));
        }
        return (told, notices.Except(told).Select(n => n.Row.UserId).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Delivers one run of messages of one fan-out mode (and the switch before it) to
    /// <paramref name="recipients"/>; in read fan-out publishes them if <paramref name="publish"/>
    /// and tells the mentioned, the senders and, for a new title, everyone instead. Returns the recipients whose inboxes failed.
    /// </summary>
    public async Task<List<string>> Deliver(DeliverBatch batch, IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> recipients, bool publish)
    {
        await gate.BeforeFanoutAsync(store.Id, batch.From, batch.Through);
        var failed = new List<string>();
        if (batch.Mode == FanoutMode.Write || batch.Switch is not null)
        {
            var delivery = new InboxDelivery(store.Reference(batch.Through + 1), batch.Mode == FanoutMode.Write ? messages : [], batch.Switch);
            failed.AddRange(await Failures(recipients, user => Inbox(user).Deliver(delivery)));
        }
        if (batch.Mode == FanoutMode.Read)
        {
            if (publish) await Publish(messages);
            var reached = recipients.Except(failed).ToHashSet(StringComparer.Ordinal);
            // In read fan-out nobody's inbox sees the messages: the mentioned members are told
            // directly, and so are the senders, whose own messages count as read.
            var mentioned = messages.SelectMany(m => (m.Mentions ?? []).Select(user => (User: user, m.Seq)))
                .Where(x => reached.Contains(x.User)).GroupBy(x => x.User);
            failed.AddRange(await Failures(mentioned.Select(g => g.Key).ToList(), user =>
                Inbox(user).Mentioned(store.Id, mentioned.Single(g => g.Key == user).Select(x => x.Seq).ToList())));
            // An edit or a reaction reads nothing: it leaves its author's read position where it was.
            var writers = messages.Where(m => reached.Contains(m.SenderId) && !SyncEventTypes.IsChange(m.Type)).GroupBy(m => m.SenderId).ToDictionary(g => g.Key, g => g.Max(m => m.Seq));
            failed.AddRange(await Failures(writers.Keys.ToList(), user => Inbox(user).Wrote(store.Id, writers[user])));
            // A title notice renames the conversation in the lists, which read fan-out does not copy it into.
            if (messages.Any(m => m.Type == SyncEventTypes.Title))
            {
                var renamed = store.Reference(batch.Through + 1);
                failed.AddRange(await Failures(reached.ToList(), user => Inbox(user).Renamed(renamed)));
            }
        }
        return failed.Distinct().ToList();
    }

    /// <summary>Tells <paramref name="users"/>' inboxes of these recalls; returns the users whose inboxes failed.</summary>
    public Task<List<string>> Recall(IReadOnlyList<string> users, IReadOnlyList<long> seqs)
    {
        var delivery = new InboxDelivery(store.Reference(host.Head + 1), [], null, seqs);
        return Failures(users, user => Inbox(user).Deliver(delivery));
    }

    private IInboxDelivery Inbox(string userId) => grains.Reference<IInboxDelivery>(userId);

    private async Task<List<string>> Failures(IReadOnlyList<string> users, Func<string, Task> deliver)
    {
        var results = await Task.WhenAll(users.Select(async u => (User: u, Ok: await Try(() => deliver(u), u))));
        return results.Where(r => !r.Ok).Select(r => r.User).ToList();
    }

    private async Task<bool> Try(Func<Task> delivery, string userId)
    {
        await _calls.WaitAsync();
        try
        {
            await delivery();
            return true;
        }
        catch (Exception error)
        {
            logger.DeliveryFailed(error, store.Id, userId);
            return false;
        }
        finally
        {
            _calls.Release();
        }
    }

    // The stream only feeds live pushes; syncs read the timeline, so a lost publish costs
    // latency, not messages. Users removed but not told yet are named with the last seq they may
    // see, so that their inboxes push them nothing after it.
    private async Task Publish(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0) return;
        var through = messages[^1].Seq;
        var leaving = store.Membership.Unsettled.Where(r => r.ReadableThrough < through).ToDictionary(r => r.UserId, r => r.ReadableThrough);
        try
        {
            await host.Stream.OnNextAsync(new ConversationMessages(store.Id, messages, leaving.Count > 0 ? leaving : null));
        }
        catch (Exception error)
        {
            logger.PublishFailed(error, store.Id);
        }
    }
}
