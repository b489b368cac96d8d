using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;

namespace Seqline.Bench.Scenarios.E2e;

/// <summary>
/// The node's own latency histograms over a phase's window, read from its <c>/metrics</c> before and
/// after: what the server says it took, beside what the clients measured. Where the two differ, the
/// time went outside the node's measured path (the clients, HTTP before the edge, the machine).
/// </summary>
public sealed record NodeTimings(
    NodeHistogram PushLag,
    NodeHistogram Send,
    NodeHistogram ConversationAppend,
    NodeHistogram InboxAppend,
    NodeHistogram Commit,
    NodeHistogram CheckpointerPass,
    NodeHistogram WriterRemainder)
{
    /// <summary>What the node recorded between two scrapes; null when either is missing.</summary>
    public static NodeTimings? Between(string? before, string? after)
    {
        if (before is null || after is null) return null;
        NodeHistogram Delta(string metric, params (string, string)[] labels) =>
            NodeHistogram.Parse(after, metric, labels).Since(NodeHistogram.Parse(before, metric, labels));
        return new NodeTimings(
            Delta("seqline_push_lag_seconds"),
            Delta("seqline_send_duration_seconds"),
            Delta("seqline_timeline_append_duration_seconds", ("seqline_store", "conversations")),
            Delta("seqline_timeline_append_duration_seconds", ("seqline_store", "inboxes")),
            Delta("seqline_sqlite_commit_duration_seconds"),
            Delta("seqline_sqlite_checkpoint_duration_seconds", ("seqline_checkpoint_by", "checkpointer")),
            Delta("seqline_sqlite_checkpoint_duration_seconds", ("seqline_checkpoint_by", "writer")));
    }

    /// <summary>"p50 / p99" in milliseconds, interpolated within the node's buckets.</summary>
    public static string Milliseconds(NodeHistogram histogram) =>
        histogram.Count <= 0 ? "-" : $"{Ms(histogram.Quantile(0.5))} / {Ms(histogram.Quantile(0.99))} (n={histogram.Count:N0})";

    private static string Ms(double? seconds) => seconds is { } s ? Format.Ms(s * 1000) : "-";
}
