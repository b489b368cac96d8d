using System.Diagnostics;

namespace Seqline.Diagnostics;

/// <summary>
/// Seqline's own spans. Orleans traces the grain calls (with activity propagation on); these add
/// what happens inside them: each timeline append, and each fan-out batch, which runs after the
/// sends it carries were acknowledged and so needs their trace handed over explicitly.
/// </summary>
public static class SeqlineActivities
{
    public static ActivitySource Source { get; } = new(SeqlineDiagnostics.ActivitySourceName);

    /// <summary>One append to a timeline store, a child of whatever span is current.</summary>
    internal static Activity? StartAppend(string store, string timeline, int entries)
    {
        var activity = Source.StartActivity("timeline append", ActivityKind.Internal);
        if (activity is null) return null;
        activity.SetTag("seqline.store", store);
        activity.SetTag("seqline.timeline", timeline);
        activity.SetTag("seqline.entries", entries);
        return activity;
    }

    /// <summary>
    /// The span of one fan-out batch: a child of the first send it carries, linked to the others,
    /// so the trace of a send goes on to the inbox deliveries made under it. Pass the
    /// <see cref="Activity.Context"/> that was current when each send arrived (default where there
    /// was none), and dispose the result when the batch is delivered.
    /// </summary>
    public static Activity? StartFanout(string conversationId, long firstSeq, long lastSeq, IReadOnlyList<ActivityContext> sends)
    {
        var traced = sends.Where(s => s != default).Distinct().ToList();
        var activity = Source.StartActivity(
            "fan-out",
            ActivityKind.Internal,
            traced.Count > 0 ? traced[0] : default,
            links: traced.Skip(1).Select(s => new ActivityLink(s)));
        if (activity is null) return null;
        activity.SetTag("seqline.conversation", conversationId);
        activity.SetTag("seqline.seq.first", firstSeq);
        activity.SetTag("seqline.seq.last", lastSeq);
        return activity;
    }
}
