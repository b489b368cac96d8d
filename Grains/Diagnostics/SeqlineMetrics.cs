using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Seqline.Diagnostics;

/// <summary>
/// What only the grains know, for the silo's metrics: how far each conversation's fan-out trails
/// its acknowledged messages, and how many read-fan-out conversations inboxes follow live. A singleton; grains
/// take it from dependency injection and report, the meter does the rest.
/// </summary>
/// <remarks>
/// Fan-out lag is kept per conversation only while it is behind, and reported summed (backlog),
/// as its maximum, and as the number of conversations behind: a conversation id never becomes a
/// metric label, so the series stay few however many conversations there are.
/// </remarks>
public sealed class SeqlineMetrics
{
    private readonly ConcurrentDictionary<string, long> _lags = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _behind = new(StringComparer.Ordinal);
    private readonly UpDownCounter<long> _liveFollows;

    public SeqlineMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(SeqlineDiagnostics.MeterName);
        meter.CreateObservableGauge("seqline.fanout.backlog", () => _lags.Values.Sum(), "{message}",
            "Acknowledged messages not yet fanned out, over the conversations active on this silo.");
        meter.CreateObservableGauge("seqline.fanout.lag.max", () => _lags.Values.DefaultIfEmpty().Max(), "{message}",
            "The most acknowledged messages any one conversation on this silo has not yet fanned out.");
        meter.CreateObservableGauge("seqline.fanout.behind", () => _lags.Count, "{conversation}",
            "Conversations on this silo with acknowledged messages not yet fanned out.");
        meter.CreateObservableGauge("seqline.fanout.inboxes_behind", () => _behind.Values.Sum(), "{inbox}",
            "Inboxes that failed a delivery and are being caught up on their own, over the conversations active on this silo.");
        _liveFollows = meter.CreateUpDownCounter<long>("seqline.live.follows", "{follow}",
            "Read-fan-out conversations the inboxes on this silo follow live, through their relays.");
    }

    /// <summary>
    /// The conversation has acknowledged messages through <paramref name="acknowledgedSeq"/> and
    /// fanned them out through <paramref name="fannedOutSeq"/>. Call it after every append and every
    /// fan-out step; equal seqs mean caught up.
    /// </summary>
    public void ReportFanoutLag(string conversationId, long acknowledgedSeq, long fannedOutSeq)
    {
        var lag = acknowledgedSeq - fannedOutSeq;
        if (lag > 0) _lags[conversationId] = lag;
        else _lags.TryRemove(conversationId, out _);
    }

    /// <summary>
    /// The conversation's activation is going away: its lag is no longer this silo's to report
    /// (the next activation, here or elsewhere, reports it again).
    /// </summary>
    public void ForgetFanout(string conversationId)
    {
        _lags.TryRemove(conversationId, out _);
        _behind.TryRemove(conversationId, out _);
    }

    /// <summary>How many of the conversation's members' inboxes fell behind its fan-out (0: none).</summary>
    public void ReportInboxesBehind(string conversationId, int inboxes)
    {
        if (inboxes > 0) _behind[conversationId] = inboxes;
        else _behind.TryRemove(conversationId, out _);
    }

    /// <summary>An inbox subscribed to (+1) or unsubscribed from (-1) conversation streams.</summary>
    public void LiveFollowsChanged(int delta) => _liveFollows.Add(delta);
}
