using System.Text.Json;
using Seqline.Conversations;
using Seqline.Inboxes;

namespace Seqline.Tests.Simulation;

/// <summary>
/// Checks the promises of Seqline (design brief, section 5) against what a run's clients were
/// acknowledged, once the node has finished the work the run left it:
/// every acknowledged message is stored once at its seq and the seqs are contiguous; every device
/// (from its first cursor, and again from every cursor it saved) receives exactly the messages sent
/// (and the notices written) while its user was a member, each once, in order, and never a reset; the joins and removals a
/// device sees fall where the clients' calls allow; no push carries a message outside the user's
/// membership; read positions never move back; recalls leave no body behind.
/// </summary>
public sealed class Oracle(SimulationNode node, SimulationRun run)
{
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(60);
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, long> _heads = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<string>> Check()
    {
        _violations.AddRange(run.Violations);
        foreach (var conversation in run.Conversations) await WaitUntilSettled(conversation);
        foreach (var conversation in run.Conversations) await CheckStorage(conversation);
        foreach (var device in run.Devices.Values.SelectMany(d => d))
        {
            await Pull(device);
            if (device.LateResets > 0) Fail($"{device.Name} was reset {device.LateResets} time(s) with a valid cursor.");
        }
        foreach (var user in run.Users)
        {
            foreach (var device in run.Devices[user])
            {
                CheckStream(user, $"{device.Name}", device.Received);
                // From a sample of the cursors the device stood at, a pull must bring exactly what it lacked.
                var saved = device.Saved;
                foreach (var (cursor, count) in saved.Where((_, i) => i % Math.Max(1, saved.Count / 4) == 0))
                {
                    var rest = await PullFrom(user, cursor);
                    if (rest is null) Fail($"{device.Name} was reset when pulling from a cursor it had saved.");
                    else CheckStream(user, $"{device.Name} from its cursor at event {count}", device.Received.Take(count).Concat(rest).ToList());
                }
            }
            CheckPushes(user);
            await CheckSnapshot(user);
            await CheckRecalls(user);
        }
        return _violations;
    }

    private void Fail(string violation) => _violations.Add(violation);

    // Everything acknowledged has reached every inbox it is owed to, and every notice is told.
    private async Task WaitUntilSettled(ConversationModel conversation)
    {
        var deadline = DateTime.UtcNow + SettleWithin;
        while (true)
        {
            var (settled, why) = await Settled(conversation.Id);
            if (settled) return;
            if (DateTime.UtcNow > deadline)
            {
                Fail($"{conversation.Id} did not settle within {SettleWithin.TotalSeconds:0}s: {why}");
                return;
            }
            await Task.Delay(20);
        }
    }

    private async Task<(bool, string)> Settled(string conversationId)
    {
        var head = (await node.Conversations.GetHeadAsync(conversationId)).LastSeq;
        var state = new GrainState<ConversationState>(new ConversationState());
        await node.GrainState.ReadStateAsync("conversation", node.Grains.GetGrain<IConversationGrain>(conversationId).GetGrainId(), state);
        if (state.State is null) return (false, "no state");
        if (state.State.FannedOutThrough < head) return (false, $"fanned out through {state.State.FannedOutThrough} of {head}");
        if (state.State.PendingRecalls.Count > 0) return (false, $"recalls pending: {string.Join(",", state.State.PendingRecalls)}");
        var rows = (await node.Members.ReadAsync(conversationId)).Select(MemberRow.From).Where(r => !r.IsSettled).ToList();
        if (rows.Count > 0) return (false, $"untold: {string.Join(", ", rows)}");
        return (true, "");
    }

    private async Task CheckStorage(ConversationModel conversation)
    {
        var id = conversation.Id;
        var entries = new List<Seqline.Timelines.TimelineEntry>();
        for (long after = 0; ;)
        {
            var page = await node.Conversations.ReadAfterAsync(id, after, 1000);
            if (page.Count == 0) break;
            entries.AddRange(page);
            after = page[^1].Seq;
        }
        _heads[id] = entries.Count == 0 ? 0 : entries[^1].Seq;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Seq != i + 1) Fail($"{id} holds seq {entries[i].Seq} at position {i + 1}: seqs are not contiguous.");
        }
        var stored = entries.Select(e => (e.Seq, Message: JsonDocument.Parse(e.Payload).RootElement)).ToList();
        // Notices (role changes the owner's leaving made) are nobody's send: their client id is empty.
        foreach (var copies in stored.Where(e => !e.Message.TryGetProperty("type", out _))
            .GroupBy(e => (Sender: e.Message.GetProperty("senderId").GetString(), Id: e.Message.GetProperty("clientMsgId").GetString())).Where(g => g.Count() > 1))
            Fail($"{id} stored {copies.Key.Sender}'s {copies.Key.Id} {copies.Count()} times, at seqs {string.Join(",", copies.Select(c => c.Seq))}.");
        foreach (var sent in conversation.Sent.Where(s => s.Seq is not null))
        {
            var at = stored.FirstOrDefault(e => e.Seq == sent.Seq);
            if (at.Message.ValueKind == JsonValueKind.Undefined)
            {
                Fail($"{sent} was acknowledged at {id} seq {sent.Seq}, which is not stored.");
                continue;
            }
            var recalled = at.Message.TryGetProperty("recalled", out var r) && r.GetBoolean();
            if (at.Message.GetProperty("senderId").GetString() != sent.Sender || at.Message.GetProperty("clientMsgId").GetString() != sent.ClientMsgId
                || (!recalled && at.Message.GetProperty("body").GetString() != sent.Body))
                Fail($"{sent} was acknowledged at {id} seq {sent.Seq}, which holds {at.Message}.");
            if (conversation.RecalledSeqs.Contains(sent.Seq!.Value) && (!recalled || at.Message.GetProperty("body").GetString() != ""))
                Fail($"{id} seq {sent.Seq} was recalled but is stored with its body.");
        }
    }

    private async Task Pull(SimDevice device)
    {
        try
        {
            await device.Pull(node.Grains.GetGrain<IInboxGrain>(device.UserId), 7);
        }
        catch (Exception error)
        {
            Fail($"{device.Name} could not pull once the node settled: {error.Message}");
        }
    }

    private async Task<List<SyncEvent>?> PullFrom(string user, string cursor)
    {
        var events = new List<SyncEvent>();
        for (var page = 0; page < 500; page++)
        {
            var result = await node.Grains.GetGrain<IInboxGrain>(user).Sync(cursor, 5);
            if (result.Reset) return null;
            events.AddRange(result.Events);
            cursor = result.Cursor;
            if (!result.HasMore) return events;
        }
        Fail($"Pulling {user}'s inbox never ended.");
        return events;
    }

    /// <summary>
    /// The seqs of <paramref name="conversationId"/> a stream says its user was a member for: from
    /// each <c>joined</c> seq to the seq of the <c>left</c> that follows (or the head).
    /// </summary>
    private List<(long From, long Through)> Intervals(IReadOnlyList<SyncEvent> stream, string conversationId)
    {
        var intervals = new List<(long, long)>();
        long? open = null;
        foreach (var e in stream.Where(e => e.ConversationId == conversationId))
        {
            if (e.Type == SyncEventTypes.Joined && open is null) open = e.Seq;
            else if (e.Type == SyncEventTypes.Left && open is { } from)
            {
                intervals.Add((from, e.Seq));
                open = null;
            }
        }
        if (open is { } stillIn) intervals.Add((stillIn, _heads.GetValueOrDefault(conversationId)));
        return intervals;
    }

    private void CheckStream(string user, string name, IReadOnlyList<SyncEvent> stream)
    {
        foreach (var conversation in run.Conversations)
        {
            var id = conversation.Id;
            var events = stream.Where(e => e.ConversationId == id).ToList();
            var messages = events.Where(IsEntry).Select(e => e.Seq).ToList();
            var intervals = Intervals(stream, id);
            var expected = intervals.SelectMany(i => LongRange(i.From, i.Through)).ToList();
            if (!messages.SequenceEqual(expected))
            {
                Fail($"{name} received {id} messages [{Compact(messages)}], but its joins and removals say [{Compact(expected)}]; it saw {Trace(events)}.");
            }

            // Joins and removals where the clients' calls allow them.
            var seen = events.Where(e => e.Type is SyncEventTypes.Joined or SyncEventTypes.Left)
                .Select(e => (Joins: e.Type == SyncEventTypes.Joined, At: e.Type == SyncEventTypes.Joined ? e.Seq : e.Seq + 1)).ToList();
            var steps = conversation.StepsOf(user);
            var matched = 0;
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var high = conversation.HighOf(step);
                if (matched < seen.Count && seen[matched].Joins == step.Joins && seen[matched].At >= step.Low && seen[matched].At <= high)
                {
                    matched++;
                    continue;
                }
                // A removal and a re-join that took effect at the same seq cancel out.
                if (i + 1 < steps.Count && steps[i + 1].Joins != step.Joins
                    && Math.Max(step.Low, steps[i + 1].Low) <= Math.Min(high, conversation.HighOf(steps[i + 1])))
                {
                    i++;
                    continue;
                }
                Fail($"{name}: {(step.Joins ? "joining" : "leaving")} {id} from a seq in [{step.Low}, {(high == long.MaxValue ? "∞" : high)}] " +
                     $"shows as [{string.Join(", ", seen.Select(s => (s.Joins ? "joined@" : "left@") + s.At))}].");
                return;
            }
            if (matched < seen.Count)
                Fail($"{name}: {id} joins and removals [{string.Join(", ", seen.Select(s => (s.Joins ? "joined@" : "left@") + s.At))}] go beyond the {steps.Count} the clients made.");

            // Read positions never move back within one membership.
            long read = 0;
            foreach (var e in events)
            {
                if (e.Type == SyncEventTypes.Joined) read = 0;
                if (e.Type != SyncEventTypes.Read) continue;
                if (e.Seq < read) Fail($"{name}: the read position in {id} moved back from {read} to {e.Seq}.");
                read = Math.Max(read, e.Seq);
            }
        }
    }

    private void CheckPushes(string user)
    {
        var stream = run.Devices[user][0].Received;
        foreach (var conversation in run.Conversations)
        {
            var intervals = Intervals(stream, conversation.Id);
            var pushed = run.Edges[user].Pushes.SelectMany(p => p.Events)
                .Where(e => e.ConversationId == conversation.Id && IsEntry(e)).Select(e => e.Seq);
            var outside = pushed.Where(seq => !intervals.Any(i => seq >= i.From && seq <= i.Through)).Distinct().ToList();
            if (outside.Count > 0)
                Fail($"{user} was pushed {conversation.Id} messages [{Compact(outside)}] outside their membership [{string.Join(", ", intervals.Select(i => $"{i.From}-{i.Through}"))}].");
        }
    }

    // A device without a cursor starts from a snapshot of exactly the user's conversations, each up to date.
    private async Task CheckSnapshot(string user)
    {
        var reset = await node.Grains.GetGrain<IInboxGrain>(user).Sync(null, 10);
        var expected = run.Conversations.Where(c => c.Members.Contains(user)).Select(c => c.Id).Order(StringComparer.Ordinal).ToList();
        var rows = reset.Conversations ?? [];
        var listed = rows.Select(r => r.ConversationId).Order(StringComparer.Ordinal).ToList();
        if (!listed.SequenceEqual(expected))
            Fail($"{user}'s snapshot lists [{string.Join(",", listed)}], but they are a member of [{string.Join(",", expected)}].");
        foreach (var row in rows.Where(r => _heads.GetValueOrDefault(r.ConversationId) != r.LastSeq))
            Fail($"{user}'s snapshot has {row.ConversationId} at seq {row.LastSeq}, but it ends at {_heads.GetValueOrDefault(row.ConversationId)}.");
    }

    // No inbox copy of a recalled message keeps its body, and members who had it hear of the recall.
    private async Task CheckRecalls(string user)
    {
        var recalled = run.Conversations.SelectMany(c => c.RecalledSeqs.Select(seq => (c.Id, Seq: seq))).ToHashSet();
        if (recalled.Count == 0) return;
        var inbox = new List<(long At, SyncEvent Event)>();
        for (long after = 0; ;)
        {
            var page = await node.Inboxes.ReadAfterAsync(user, after, 1000);
            if (page.Count == 0) break;
            inbox.AddRange(page.Select(entry => (entry.Seq, JsonSerializer.Deserialize<SyncEvent>(entry.Payload, new JsonSerializerOptions(JsonSerializerDefaults.Web))!)));
            after = page[^1].Seq;
        }
        var stream = run.Devices[user][0].Received;
        // Recalls reach the members of the moment (docs/architecture.md, Limits): one removed since keeps what they had.
        bool MemberThroughout(string id, long seq) =>
            run.Conversations.Single(c => c.Id == id).Members.Contains(user) && Intervals(stream, id).LastOrDefault() is var last && last.From != 0 && last.From <= seq;
        foreach (var (at, e) in inbox)
        {
            if (e.Type == SyncEventTypes.Message && recalled.Contains((e.ConversationId, e.Seq)) && !string.IsNullOrEmpty(e.Body) && MemberThroughout(e.ConversationId, e.Seq))
                Fail($"{user}'s inbox keeps the body of recalled {e.ConversationId} seq {e.Seq} (at {at}; the inbox holds " +
                     $"{string.Join(" ", inbox.Where(x => x.Event.ConversationId == e.ConversationId).Select(x => $"{x.At}:{x.Event.Type}@{x.Event.Seq}"))}).");
        }
        foreach (var (id, seq) in recalled)
        {
            if (MemberThroughout(id, seq) && !stream.Any(e => e.Type == SyncEventTypes.Recall && e.ConversationId == id && e.Seq == seq))
                Fail($"{user} has been a member of {id} since before seq {seq} and never heard it was recalled.");
        }
    }

    // An entry of the conversation's timeline: a message, or a notice of a role or title change, each at its own seq.
    private static bool IsEntry(SyncEvent e) => e.Type is SyncEventTypes.Message or SyncEventTypes.Role or SyncEventTypes.Title;

    // joined@1 m1 m2 fanout:read@3 m3 … : what a device saw of one conversation, to tell a failure apart.
    private static string Trace(IEnumerable<SyncEvent> events) => string.Join(" ", events.Select(e => e.Type switch
    {
        SyncEventTypes.Message => $"m{e.Seq}",
        SyncEventTypes.Role => $"role:{e.UserId}={e.Role}@{e.Seq}",
        SyncEventTypes.Fanout => $"fanout:{e.Fanout}@{e.Seq}",
        _ => $"{e.Type}@{e.Seq}",
    }));

    private static IEnumerable<long> LongRange(long from, long through)
    {
        for (var seq = from; seq <= through; seq++) yield return seq;
    }

    // 1,2,3,5,7,8 → 1-3,5,7-8
    private static string Compact(IReadOnlyList<long> seqs)
    {
        var parts = new List<string>();
        for (var i = 0; i < seqs.Count;)
        {
            var j = i;
            while (j + 1 < seqs.Count && seqs[j + 1] == seqs[j] + 1) j++;
            parts.Add(i == j ? $"{seqs[i]}" : $"{seqs[i]}-{seqs[j]}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }
}
