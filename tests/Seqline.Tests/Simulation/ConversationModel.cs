namespace Seqline.Tests.Simulation;

/// <summary>One message a simulated client sent (and perhaps sent again).</summary>
public sealed class SentMessage(string sender, string clientMsgId, string body)
{
    public string Sender => sender;
    public string ClientMsgId => clientMsgId;
    public string Body => body;
    public int Attempts { get; set; }

    /// <summary>The seq it was acknowledged at, once it was.</summary>
    public long? Seq { get; private set; }

    /// <summary>
    /// Logical time the first attempt started (any attempt may be the one that stored it), and the
    /// time of the first acknowledgement.
    /// </summary>
    public long StartedAt { get; private set; }
    public long AcknowledgedAt { get; private set; }

    /// <summary>An attempt starts at <paramref name="tick"/>.</summary>
    public void Attempting(long tick)
    {
        if (StartedAt == 0) StartedAt = tick;
    }

    /// <summary>Refused as from a non-member: never stored.</summary>
    public bool Refused { get; set; }

    public void Acknowledge(long seq, long started, long returned)
    {
        if (Seq is not null) return;
        Seq = seq;
        AcknowledgedAt = returned;
    }

    public override string ToString() => $"{sender}'s {clientMsgId}";
}

/// <summary>
/// What the clients of one conversation know: what they sent and got acknowledged, and each user's
/// joins and removals, each with the range of seqs it may have taken effect from.
/// </summary>
public sealed class ConversationModel(string id)
{
    private readonly List<SentMessage> _sent = [];
    private readonly Dictionary<string, List<MembershipStep>> _steps = new(StringComparer.Ordinal);

    public string Id => id;

    /// <summary>Taken while a membership change is under way.</summary>
    public SemaphoreSlim Changing { get; } = new(1, 1);
    public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

    // Recalls run concurrently within a step (two recalls of one conversation, together): their
    // bookkeeping is taken under this lock, as sends take _sent's.
    private readonly Lock _recalls = new();
    private readonly HashSet<(string User, long Seq)> _unresolvedRecalls = [];
    private readonly HashSet<long> _maybeRecalled = [];
    private readonly HashSet<long> _recalledSeqs = [];

    /// <summary>Recalls whose outcome is not known yet.</summary>
    public IReadOnlyList<(string User, long Seq)> UnresolvedRecalls
    {
        get { lock (_recalls) return _unresolvedRecalls.ToList(); }
    }

    /// <summary>Seqs that may or may not have been recalled.</summary>
    public IReadOnlySet<long> MaybeRecalled
    {
        get { lock (_recalls) return _maybeRecalled.ToHashSet(); }
    }

    /// <summary>Seqs whose recall was acknowledged.</summary>
    public IReadOnlySet<long> RecalledSeqs
    {
        get { lock (_recalls) return _recalledSeqs.ToHashSet(); }
    }

    public IReadOnlyList<SentMessage> Sent
    {
        get { lock (_sent) return _sent.ToList(); }
    }

    public IReadOnlyList<SentMessage> SentBy(string user)
    {
        lock (_sent) return _sent.Where(s => s.Sender == user).ToList();
    }

    public SentMessage NewSend(string sender, string clientMsgId, string body)
    {
        var send = new SentMessage(sender, clientMsgId, body);
        lock (_sent) _sent.Add(send);
        return send;
    }

    public IReadOnlyList<SentMessage> Unresolved() => Sent.Where(s => s.Seq is null && !s.Refused).ToList();

    /// <summary>The highest seq acknowledged to a call that returned before <paramref name="tick"/>.</summary>
    public long LastAcknowledgedBefore(long tick) =>
        Sent.Where(s => s.Seq is not null && s.AcknowledgedAt < tick).Select(s => s.Seq!.Value).DefaultIfEmpty(0).Max();

    public IReadOnlyList<MembershipStep> StepsOf(string user) => _steps.GetValueOrDefault(user) ?? [];

    public IEnumerable<string> EverMembers => _steps.Keys;

    public void Join(string user, long lo, long hi)
    {
        Members.Add(user);
        Record(user, new MembershipStep(true, lo, _ => hi));
    }

    /// <summary>
    /// A change that returned at <paramref name="returned"/>: it took effect at a seq no lower than
    /// <paramref name="lo"/> and no higher than any seq acknowledged to a send that started after it returned.
    /// </summary>
    public void Changed(IReadOnlyList<string> add, IReadOnlyList<string> remove, long lo, long started, long returned)
    {
        var after = new HashSet<string>(Members, StringComparer.Ordinal);
        foreach (var user in add) after.Add(user);
        foreach (var user in remove) after.Remove(user);
        foreach (var user in Members.Union(after).ToList())
        {
            var wasIn = Members.Contains(user);
            var isIn = after.Contains(user);
            if (wasIn == isIn) continue;
            Record(user, new MembershipStep(isIn, lo, model => model.FirstAcknowledgedStartedAfter(returned)));
        }
        Members.Clear();
        Members.UnionWith(after);
    }

    public void RecallStarted(string user, long seq)
    {
        lock (_recalls) _unresolvedRecalls.Add((user, seq));
    }

    public void Recalled(string user, long seq)
    {
        lock (_recalls)
        {
            _unresolvedRecalls.Remove((user, seq));
            _recalledSeqs.Add(seq);
        }
    }

    /// <summary>Refused (no longer a member): not the user's to make now, and an earlier attempt may have landed.</summary>
    public void RecallRefused(string user, long seq)
    {
        lock (_recalls)
        {
            _unresolvedRecalls.Remove((user, seq));
            _maybeRecalled.Add(seq);
        }
    }

    /// <summary>An attempt failed: it may have landed all the same.</summary>
    public void RecallUncertain(long seq)
    {
        lock (_recalls) _maybeRecalled.Add(seq);
    }

    private long FirstAcknowledgedStartedAfter(long tick) =>
        Sent.Where(s => s.Seq is not null && s.StartedAt > tick).Select(s => s.Seq!.Value).DefaultIfEmpty(long.MaxValue).Min();

    private void Record(string user, MembershipStep step)
    {
        if (!_steps.TryGetValue(user, out var steps)) _steps[user] = steps = [];
        steps.Add(step);
    }

    /// <summary>The upper bound of a step, known once every send has resolved.</summary>
    public long HighOf(MembershipStep step) => step.High(this);
}

/// <summary>A user joined (or left) from a seq between <see cref="Low"/> and the step's upper bound.</summary>
public sealed record MembershipStep(bool Joins, long Low, Func<ConversationModel, long> High);
