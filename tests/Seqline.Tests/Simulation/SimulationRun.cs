using Orleans.Core.Internal;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;

namespace Seqline.Tests.Simulation;

/// <summary>
/// Plays one <see cref="Schedule"/> against a <see cref="SimulationNode"/> as a set of clients
/// would, retrying what failed the way clients are told to, and records what was acknowledged and
/// when, for the <see cref="Oracle"/>. Time is a logical clock: every call takes a tick when it starts
/// and another when it returns, which is all the oracle needs to bound where a change took effect.
/// </summary>
public sealed class SimulationRun
{
    private const int Attempts = 12;
    private readonly SimulationNode _node;
    private readonly Schedule _schedule;
    private long _clock;
    private int _nextMessage;

    public SimulationRun(SimulationNode node, Schedule schedule, int number)
    {
        _node = node;
        _schedule = schedule;
        Prefix = $"r{number}-";
        Faults = FaultPlan.Start(Prefix, schedule.FaultPercent / 100.0, schedule.FaultSeed);
        Users = Enumerable.Range(0, schedule.Users).Select(i => $"{Prefix}u{i}").ToArray();
        Devices = Users.ToDictionary(u => u, u => (IReadOnlyList<SimDevice>)[new SimDevice(u, 0), new SimDevice(u, 1)]);
        Edges = Users.ToDictionary(u => u, u => new SimEdge(Devices[u]));
        Conversations = schedule.Conversations.Select((_, i) => new ConversationModel($"{Prefix}c{i}")).ToArray();
    }

    public string Prefix { get; }
    public RunFaults Faults { get; }
    public string[] Users { get; }
    public Dictionary<string, IReadOnlyList<SimDevice>> Devices { get; }
    public Dictionary<string, SimEdge> Edges { get; }
    public ConversationModel[] Conversations { get; }

    /// <summary>What the clients saw go wrong while the schedule ran (a retry given another seq, a call that never succeeded).</summary>
    public List<string> Violations { get; } = [];

    private readonly Dictionary<string, IInboxObserver> _observers = [];
    private IGrainFactory Grains => _node.Grains;

    private long Tick() => Interlocked.Increment(ref _clock);

    private void Violation(string what)
    {
        lock (Violations) Violations.Add(what);
    }

    public async Task Play()
    {
        foreach (var device in Devices.Values.SelectMany(d => d))
        {
            for (var attempt = 0; device.Cursor is null; attempt++)
            {
                try
                {
                    await device.Pull(Grains.GetGrain<IInboxGrain>(device.UserId), 10);
                }
                catch (Exception) when (attempt < Attempts)
                {
                }
            }
        }
        for (var i = 0; i < Conversations.Length; i++) await Create(Conversations[i], _schedule.Conversations[i]);
        foreach (var step in _schedule.Steps) await Run(step);
    }

    /// <summary>Faults stop; everything a client left unresolved is retried until it resolves.</summary>
    public async Task Settle()
    {
        Faults.Stop();
        foreach (var conversation in Conversations)
        {
            foreach (var send in conversation.Unresolved())
            {
                for (var attempt = 0; !await SendOnce(conversation, send, isRetry: true); attempt++)
                {
                    if (attempt == Attempts) Violation($"{send} still fails with faults off.");
                    await Task.Delay(50);
                }
            }
            foreach (var (user, seq) in conversation.UnresolvedRecalls)
            {
                for (var attempt = 0; !await RecallOnce(conversation, user, seq); attempt++)
                {
                    if (attempt == Attempts) Violation($"The recall of {conversation.Id} {seq} by {user} still fails with faults off.");
                    await Task.Delay(50);
                }
            }
        }
        // An inbox that crashed comes back on this call, and its activation may meet a fault injected
        // before faults stopped: tried again, as the edge's renewal would.
        foreach (var user in _observers.Keys.ToList())
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await Grains.GetGrain<IInboxGrain>(user).Unsubscribe(_observers[user]);
                    break;
                }
                catch (Exception error) when (attempt < Attempts)
                {
                    _ = error;
                    await Task.Delay(50);
                }
                catch (Exception error)
                {
                    Violation($"Unsubscribing {user}'s devices still fails with faults off: {error.Message}");
                    break;
                }
            }
        }
        _observers.Clear();
    }

    private Task Run(Step step) => step switch
    {
        Together together => Task.WhenAll(together.Steps.Select(Run)),
        Send send => Send(send),
        ChangeMembers change => ChangeMembers(change),
        MarkRead read => MarkRead(read),
        Recall recall => Recall(recall),
        Sync sync => Devices[User(sync.User)][sync.Device].Pull(Grains.GetGrain<IInboxGrain>(User(sync.User)), sync.Limit).ContinueWith(t => IgnoreUnavailable(t)),
        Connect connect => Connect(connect),
        Deactivate deactivate => Deactivate(deactivate),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    private string User(int number) => Users[number % Users.Length];
    private ConversationModel Conversation(int number) => Conversations[number % Conversations.Length];

    private async Task Create(ConversationModel conversation, int[] members)
    {
        var ids = members.Select(User).Distinct().ToList();
        var request = new NewConversation(ids[0], ids, $"sim {conversation.Id}", ConversationKind.Group);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Grains.GetGrain<IConversationGrain>(conversation.Id).Create(request);
                break;
            }
            catch (SeqlineException e) when (e.Code == ErrorCode.Conflict && attempt > 0)
            {
                break; // an earlier attempt was stored after all
            }
            catch (Exception) when (attempt < Attempts)
            {
            }
        }
        foreach (var id in ids) conversation.Join(id, lo: 1, hi: 1);
    }

    private async Task Send(Send step)
    {
        var conversation = Conversation(step.Conversation);
        var user = User(step.User);
        var mine = conversation.SentBy(user);
        var send = step.Retry >= 0 && mine.Count > 0
            ? mine[^(1 + step.Retry % mine.Count)]
            : conversation.NewSend(user, $"m{Interlocked.Increment(ref _nextMessage)}", $"{user} says {_nextMessage}");
        for (var attempt = 0; attempt < 3 && !await SendOnce(conversation, send, isRetry: attempt > 0 || send.Attempts > 0); attempt++)
        {
        }
    }

    // True once the send is resolved: acknowledged, or refused for a reason a retry would not change.
    private async Task<bool> SendOnce(ConversationModel conversation, SentMessage send, bool isRetry)
    {
        var started = Tick();
        send.Attempting(started);
        send.Attempts++;
        try
        {
            var receipt = await Grains.GetGrain<IConversationGrain>(conversation.Id)
                .Send(new OutgoingMessage(send.Sender, send.ClientMsgId, send.Body));
            var returned = Tick();
            lock (send)
            {
                if (send.Seq is { } earlier && earlier != receipt.Seq)
                    Violation($"A retry of {send} was acknowledged at seq {receipt.Seq}, not at its original seq {earlier}.");
                // Only a retry that started after the original was acknowledged must say so: of two
                // attempts under way at once, either may be the one that stored it.
                if (send.Seq is not null && send.AcknowledgedAt < started && !receipt.Duplicate)
                    Violation($"A retry of {send} (seq {send.Seq}) was not marked a duplicate.");
                send.Acknowledge(receipt.Seq, started, returned);
            }
            return true;
        }
        catch (SeqlineException e) when (e.Code is ErrorCode.Forbidden or ErrorCode.NotFound)
        {
            send.Refused = true;
            return true;
        }
        catch (Exception) when (send.Attempts < 100)
        {
            return false;
        }
    }

    private async Task ChangeMembers(ChangeMembers step)
    {
        var conversation = Conversation(step.Conversation);
        var actor = User(step.Actor);
        var add = step.Add.Select(User).Distinct().ToList();
        var remove = step.Remove.Select(User).Distinct().ToList();
        var change = new MembershipChange(actor, add, remove);
        // The grain takes changes one at a time; so does the model, to know their order.
        await conversation.Changing.WaitAsync();
        try
        {
            await ChangeMembers(conversation, change);
        }
        finally
        {
            conversation.Changing.Release();
        }
    }

    private async Task ChangeMembers(ConversationModel conversation, MembershipChange change)
    {
        var (add, remove) = (change.Add, change.Remove);
        var started = Tick();
        var lo = 1 + conversation.LastAcknowledgedBefore(started);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Grains.GetGrain<IConversationGrain>(conversation.Id).ChangeMembers(change);
                break;
            }
            catch (SeqlineException e) when (e.Code is ErrorCode.Forbidden or ErrorCode.NotFound or ErrorCode.TooLarge or ErrorCode.Invalid)
            {
                // Refused on a retry after an attempt whose outcome is unknown: that attempt landed
                // only if it could have, i.e. the actor was a member and it took them out (the retry
                // is then refused as coming from a non-member). Any other refusal says nothing changed.
                if (attempt > 0 && e.Code == ErrorCode.Forbidden && RemovesItsActor(conversation, change)) break;
                // A member whose role does not allow the change asks the owner to make it, so that
                // schedules change members as often as before roles; the owner's leaving hands the
                // group on with a notice, which the oracle counts among the conversation's entries.
                if (e.Code == ErrorCode.Forbidden && await OwnerActingFor(conversation, change.ActorId) is { } owner)
                {
                    change = change with { ActorId = owner };
                    attempt = -1;
                    continue;
                }
                return;
            }
            catch (Exception error) when (attempt < Attempts)
            {
                _ = error;
            }
            catch (Exception error)
            {
                Violation($"ChangeMembers {change} on {conversation.Id} never succeeded: {error.Message}");
                return;
            }
        }
        var returned = Tick();
        conversation.Changed(add, remove, lo, started, returned);
    }

    /// <summary>The owner, when <paramref name="actorId"/> is a member who is not: their refusal was their role's.</summary>
    private async Task<string?> OwnerActingFor(ConversationModel conversation, string actorId)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            try
            {
                var view = await Grains.GetGrain<IConversationGrain>(conversation.Id).Get(actorId);
                return view.Owner is { } owner && owner != actorId ? owner : null;
            }
            catch (SeqlineException e) when (e.Code is ErrorCode.Forbidden or ErrorCode.NotFound)
            {
                return null;
            }
            catch (Exception)
            {
                // The conversation restarts under a fault: ask again.
            }
        }
        return null;
    }

    private static bool RemovesItsActor(ConversationModel conversation, MembershipChange change) =>
        conversation.Members.Contains(change.ActorId) && change.Remove.Contains(change.ActorId, StringComparer.Ordinal);

    private async Task MarkRead(MarkRead step)
    {
        var conversation = Conversation(step.Conversation);
        var user = User(step.User);
        var seen = Devices[user][0].Received.Where(e => e.ConversationId == conversation.Id && e.Type == SyncEventTypes.Message)
            .Select(e => e.Seq).DefaultIfEmpty(0).Max();
        try
        {
            await Grains.GetGrain<IInboxGrain>(user).MarkRead(conversation.Id, seen);
        }
        catch (Exception)
        {
            // Not a member (any more), or a fault: a read marker is not retried.
        }
    }

    private async Task Recall(Recall step)
    {
        var conversation = Conversation(step.Conversation);
        var user = User(step.User);
        var mine = conversation.SentBy(user).Where(s => s.Seq is not null).ToList();
        if (mine.Count == 0) return;
        var seq = mine[step.Pick % mine.Count].Seq!.Value;
        conversation.RecallStarted(user, seq);
        for (var attempt = 0; attempt < 3 && !await RecallOnce(conversation, user, seq); attempt++)
        {
        }
    }

    private async Task<bool> RecallOnce(ConversationModel conversation, string user, long seq)
    {
        try
        {
            await Grains.GetGrain<IConversationGrain>(conversation.Id).Recall(user, seq);
            conversation.Recalled(user, seq);
            return true;
        }
        catch (SeqlineException e) when (e.Code is ErrorCode.Forbidden or ErrorCode.NotFound)
        {
            // No longer a member: the recall is not the user's to make now. Whether an earlier
            // attempt landed is unknown, so the oracle accepts either.
            conversation.RecallRefused(user, seq);
            return true;
        }
        catch (Exception)
        {
            conversation.RecallUncertain(seq);
            return false;
        }
    }

    private async Task Connect(Connect step)
    {
        var user = User(step.User);
        var inbox = Grains.GetGrain<IInboxGrain>(user);
        try
        {
            if (step.On)
            {
                if (!_observers.TryGetValue(user, out var observer))
                    _observers[user] = observer = Grains.CreateObjectReference<IInboxObserver>(Edges[user]);
                await inbox.Subscribe(observer);
            }
            else if (_observers.Remove(user, out var observer))
            {
                await inbox.Unsubscribe(observer);
            }
        }
        catch (Exception)
        {
            // A fault while (un)subscribing costs pushes, never messages: devices pull.
        }
    }

    private async Task Deactivate(Deactivate step)
    {
        var key = step.Inbox ? User(step.Index) : Conversations[step.Index % Conversations.Length].Id;
        IAddressable grain = step.Inbox ? Grains.GetGrain<IInboxGrain>(key) : Grains.GetGrain<IConversationGrain>(key);
        if (step.Crash) Faults.Crash(key);
        try
        {
            await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        }
        catch (Exception)
        {
            // Broken already and on its way out, or (not active) its activation failed on a fault.
        }
    }

    private static void IgnoreUnavailable(Task pull)
    {
        // A pull that failed on a fault is simply done again later; the device keeps its cursor.
        _ = pull.Exception;
    }
}
