namespace Seqline.Conversations;

/// <summary>
/// The inboxes that follow a conversation's relay, and what each is still being handed. Each
/// follower gets the batches in the order they came, one after the other, and a slow one never
/// holds up the others: past <c>maxPending</c> batches under way it misses the next ones, which
/// its inbox sees as a gap (its devices pull). A follower whose inbox says it no longer follows,
/// or cannot be reached, is dropped; a live inbox follows again at its next renewal.
/// </summary>
internal sealed class RelayFollowers(int maxPending)
{
    private sealed class Follower
    {
        public Task Tail = Task.CompletedTask;
        public int Pending;
    }

    private readonly Dictionary<string, Follower> _followers = new(StringComparer.Ordinal);

    public int Count => _followers.Count;

    /// <summary>Batches a follower missed because too many were under way to it.</summary>
    public long Skipped { get; private set; }

    public bool Contains(string userId) => _followers.ContainsKey(userId);

    /// <summary>Adds (or keeps) a follower; true when it was not known.</summary>
    public bool Follow(string userId) => _followers.TryAdd(userId, new Follower());

    public void Unfollow(string userId) => _followers.Remove(userId);

    /// <summary>
    /// Hands <paramref name="batch"/> to every follower through <paramref name="send"/>, which says
    /// whether the follower still wants batches. Returns at once; each hand-off waits for the one before.
    /// </summary>
    public void Relay<T>(T batch, Func<string, T, Task<bool>> send)
    {
        // A copy: a hand-off that fails at once drops its follower while this goes on.
        foreach (var (userId, follower) in _followers.ToList())
        {
            if (follower.Pending >= maxPending)
            {
                Skipped++;
                continue;
            }
            follower.Pending++;
            follower.Tail = HandOff(userId, follower, follower.Tail, batch, send);
        }
    }

    /// <summary>Completes once everything handed to the followers so far has been handed off.</summary>
    public Task Drained() => Task.WhenAll(_followers.Values.Select(f => f.Tail));

    private async Task HandOff<T>(string userId, Follower follower, Task previous, T batch, Func<string, T, Task<bool>> send)
    {
        await previous; // never faults: each hand-off catches its own failure
        bool wanted;
        try
        {
            wanted = await send(userId, batch);
        }
        catch (Exception)
        {
            wanted = false;
        }
        finally
        {
            follower.Pending--;
        }
        // Only this follow: the inbox may have followed again since (a new Follower).
        if (!wanted && _followers.TryGetValue(userId, out var current) && current == follower) _followers.Remove(userId);
    }
}
