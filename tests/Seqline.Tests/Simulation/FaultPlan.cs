using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Seqline.Tests.Simulation;

/// <summary>Where in a write a fault strikes.</summary>
public enum FaultKind
{
    /// <summary>The call throws and nothing is written.</summary>
    Before,

    /// <summary>The write lands, then the call throws: the caller cannot tell it landed.</summary>
    After,
}

/// <summary>
/// Which storage calls fail, for each simulation run. Runs share one node, so faults are keyed by
/// the run's id prefix (every user, conversation, stream and grain of a run has its ids start with
/// <c>r{n}-</c>); a run's random faults never touch another run's keys.
/// </summary>
public static partial class FaultPlan
{
    private static readonly ConcurrentDictionary<string, RunFaults> Runs = new(StringComparer.Ordinal);

    public static RunFaults Start(string prefix, double rate, int seed) => Runs[prefix] = new RunFaults(rate, seed);

    public static void End(string prefix) => Runs.TryRemove(prefix, out _);

    /// <summary>The faults of the run <paramref name="key"/> belongs to, if any.</summary>
    public static RunFaults? Of(string key)
    {
        var match = RunPrefix().Match(key);
        return match.Success && Runs.TryGetValue(match.Value, out var run) ? run : null;
    }

    private static readonly ConcurrentDictionary<(string Site, string Key), ConcurrentQueue<FaultKind>> Scripts = new();

    /// <summary>
    /// The next <paramref name="times"/> writes at <paramref name="site"/> (e.g. <c>state.write</c>,
    /// <c>conversations.append</c>, <c>members.change</c>) for <paramref name="key"/> fail as
    /// <paramref name="kind"/> says: for a test that needs one fault at one place.
    /// </summary>
    public static void FailNext(string site, string key, FaultKind kind, int times = 1)
    {
        var queue = Scripts.GetOrAdd((site, key), _ => new ConcurrentQueue<FaultKind>());
        for (var i = 0; i < times; i++) queue.Enqueue(kind);
    }

    /// <summary>Drops the faults still scripted at <paramref name="site"/> for <paramref name="key"/>.</summary>
    public static void Clear(string site, string key) => Scripts.TryRemove((site, key), out _);

    /// <summary>Whether a scripted fault is still waiting at <paramref name="site"/> for <paramref name="key"/>.</summary>
    public static bool Pending(string site, string key) => Scripts.TryGetValue((site, key), out var queue) && !queue.IsEmpty;

    private static readonly ConcurrentDictionary<string, (Func<string, bool> Matches, FaultKind Kind)> Patterns = new(StringComparer.Ordinal);

    /// <summary>Every write at <paramref name="site"/> for a key <paramref name="matches"/> accepts fails, until cleared.</summary>
    public static void FailWhere(string site, Func<string, bool> matches, FaultKind kind) => Patterns[site] = (matches, kind);

    public static void ClearWhere(string site) => Patterns.TryRemove(site, out _);

    private static FaultKind? Scripted(string site, string key) =>
        Scripts.TryGetValue((site, key), out var queue) && queue.TryDequeue(out var kind) ? kind
        : Patterns.TryGetValue(site, out var pattern) && pattern.Matches(key) ? pattern.Kind
        : null;

    [GeneratedRegex(@"r\d+-")]
    private static partial Regex RunPrefix();

    /// <summary>
    /// Runs <paramref name="write"/> against <paramref name="key"/> unless the plan fails it, before
    /// or after it lands.
    /// </summary>
    private static readonly ConcurrentDictionary<(string Site, string Key), (TaskCompletionSource Reached, TaskCompletionSource Release)> Holds = new();

    /// <summary>
    /// Holds the next write at <paramref name="site"/> for <paramref name="key"/> until the test
    /// completes the second task (then the write fails as scripted, or goes on); the first task
    /// completes once the write is held.
    /// </summary>
    public static (Task Reached, TaskCompletionSource Release) HoldNext(string site, string key)
    {
        var hold = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Holds[(site, key)] = hold;
        return (hold.Item1.Task, hold.Item2);
    }

    private static readonly ConcurrentDictionary<(string Site, string Key), TaskCompletionSource> Watches = new();

    /// <summary>
    /// Completes once the next write at <paramref name="site"/> for <paramref name="key"/> has
    /// finished, landed or failed: for a test to script a fault only after a background write is done.
    /// </summary>
    public static Task WatchNext(string site, string key) =>
        Watches.GetOrAdd((site, key), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static async Task<T> Write<T>(string site, string key, Func<Task<T>> write)
    {
        if (Holds.TryRemove((site, key), out var hold))
        {
            hold.Reached.TrySetResult();
            await hold.Release.Task;
        }
        Watches.TryRemove((site, key), out var watch);
        try
        {
            var fault = Scripted(site, key) ?? Of(key)?.Decide(site, key);
            if (fault == FaultKind.Before) throw new InjectedFaultException(site, key, fault.Value);
            var result = await write();
            if (fault == FaultKind.After) throw new InjectedFaultException(site, key, fault.Value);
            return result;
        }
        finally
        {
            watch?.TrySetResult();
        }
    }

    public static Task Write(string site, string key, Func<Task> write) =>
        Write(site, key, async () => { await write(); return true; });

    /// <summary>
    /// Runs <paramref name="read"/> unless a test scripted a fault at <paramref name="site"/> (e.g.
    /// <c>conversations.readbefore</c>) for <paramref name="key"/>: then it throws and reads nothing.
    /// Reads fail only where scripted; a run's random faults are all writes.
    /// </summary>
    public static Task<T> Read<T>(string site, string key, Func<Task<T>> read) =>
        Scripted(site, key) is { } fault ? Task.FromException<T>(new InjectedFaultException(site, key, fault)) : read();
}

/// <summary>One run's faults: random ones at a rate, and crashes that fail every write of one grain.</summary>
public sealed class RunFaults(double rate, int seed)
{
    private readonly Random _random = new(seed);
    private readonly ConcurrentDictionary<string, bool> _crashed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _injected = new(StringComparer.Ordinal);
    private volatile bool _enabled = true;

    /// <summary>Faults injected so far, by site.</summary>
    public IReadOnlyDictionary<string, int> Injected => _injected;

    public int Total => _injected.Values.Sum();

    /// <summary>From now on nothing fails: the run drains and is checked.</summary>
    public void Stop()
    {
        _enabled = false;
        _crashed.Clear();
    }

    /// <summary>
    /// Every write of the grain keyed <paramref name="key"/> fails until its next activation reads
    /// its state: the activation dies as if its process had, with whatever it had not written lost.
    /// </summary>
    public void Crash(string key) => _crashed[key] = true;

    /// <summary>A new activation of <paramref name="key"/> has started: its writes go through again.</summary>
    public void Activated(string key) => _crashed.TryRemove(key, out _);

    public FaultKind? Decide(string site, string key)
    {
        if (!_enabled) return null;
        FaultKind? fault;
        if (_crashed.ContainsKey(key))
        {
            fault = FaultKind.Before;
        }
        else
        {
            lock (_random)
            {
                fault = _random.NextDouble() >= rate ? null : _random.Next(2) == 0 ? FaultKind.Before : FaultKind.After;
            }
        }
        if (fault is not null) _injected.AddOrUpdate($"{site}:{fault}", 1, (_, n) => n + 1);
        return fault;
    }
}

/// <summary>A storage failure the simulation made up.</summary>
public sealed class InjectedFaultException(string site, string key, FaultKind kind)
    : Exception($"Injected fault ({kind}) in {site} for '{key}'.");
