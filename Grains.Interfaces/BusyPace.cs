namespace Seqline;

/// <summary>
/// The pace of something told at most once per interval (a conversation's receipts notices, an edge
/// node's forwarded push acknowledgements): the first after a quiet pace goes at once; one due within
/// the pace waits for its end, and while they keep coming the pace doubles, up to
/// <c>busyInterval</c>; a whole pace without one brings it back to <c>interval</c>. Under steady
/// load that is a quarter of the calls, notices and pushes at the defaults (2 s, 8 s), while a move
/// after a pause is still told at once. Not thread-safe: its owner's lock or grain turn guards it.
/// </summary>
public sealed class BusyPace(TimeSpan interval, TimeSpan busyInterval)
{
    private DateTimeOffset _went = DateTimeOffset.MinValue;
    private TimeSpan _pace; // zero before the first: that one goes at once

    /// <summary>
    /// How long one that comes due at <paramref name="now"/> waits: zero after a quiet pace. Asked once
    /// per one scheduled, since a wait makes the next pace longer.
    /// </summary>
    public TimeSpan Next(DateTimeOffset now)
    {
        var since = now - _went;
        if (since >= _pace)
        {
            _pace = interval;
            return TimeSpan.Zero;
        }
        var wait = _pace - since;
        _pace = TimeSpan.FromTicks(Math.Min(_pace.Ticks * 2, busyInterval.Ticks));
        return wait;
    }

    /// <summary>One went at <paramref name="now"/>: the pace counts from here.</summary>
    public void Went(DateTimeOffset now) => _went = now;

    /// <summary>Nothing went for the longest pace: the next would go at once whatever came before.</summary>
    public bool QuietSince(DateTimeOffset now) => now - _went >= busyInterval;
}
