namespace Seqline.Conversations;

/// <summary>
/// What the outcome of a fan-out step changes in the member rows, decided from the membership
/// alone (no I/O); the fan-out stores what these return. The rules:
/// <list type="bullet">
/// <item>A notice told leaves its row only while it is still the user's oldest untold change; a
/// join told to an inbox that is behind moves it to just before the join (nothing older is owed).</item>
/// <item>An inbox that fails while keeping step falls behind from where the fan-out stands, owing
/// it what the failed step carried.</item>
/// <item>A recall is owed to every member whose inbox is behind (it may hold the message already);
/// an inbox in step that fails it falls behind owing it.</item>
/// <item>An inbox catching up moves forward only: past what it was delivered, past what expired
/// before it got it (never past where the fan-out stands).</item>
/// </list>
/// Rows that would not change are left out, so a step that changes nothing writes nothing.
/// </summary>
public static class FanoutRows
{
    /// <summary>The rows of users whose inboxes were told these notices.</summary>
    public static IEnumerable<MemberRow> Told(Membership membership, IEnumerable<Notice> told)
    {
        foreach (var notice in told)
        {
            if (membership.RowOf(notice.Row.UserId) is not { } row || row.Untold.Count == 0 || row.Untold[0] != notice.Change) continue;
            var next = row.Told();
            // Nothing before a join is owed to the inbox of someone behind.
            if (notice.Change.Joins && next.Behind is { } at) next = next with { Behind = Math.Max(at, notice.Change.Since - 1) };
            yield return next;
        }
    }

    /// <summary>
    /// The rows of users whose inbox failed while keeping step: behind from
    /// <paramref name="fannedOutThrough"/> (or where they were), owing <paramref name="recalls"/> if any.
    /// </summary>
    public static IEnumerable<MemberRow> FallBehind(Membership membership, IEnumerable<string> users, long fannedOutThrough,
        IReadOnlyList<long>? recalls = null) =>
        users.Select(membership.RowOf).OfType<MemberRow>()
            .Select(r => r with
            {
                Behind = r.Behind ?? fannedOutThrough,
                OwedRecalls = recalls is { Count: > 0 } ? r.Recalls.Union(recalls).ToList() : r.OwedRecalls,
            })
            .Where(r => !r.Equals(membership.RowOf(r.UserId)));

    /// <summary>The rows of users who caught up: in step again.</summary>
    public static IEnumerable<MemberRow> Rejoined(Membership membership, IEnumerable<MemberRow> caughtUp) =>
        caughtUp.Select(r => membership.RowOf(r.UserId)).OfType<MemberRow>()
            .Where(r => r.IsBehind).Select(r => r with { Behind = null });

    /// <summary>The members a recall goes to directly: everyone whose inbox keeps step.</summary>
    public static List<string> RecallRecipients(Membership membership) =>
        membership.Members.Where(u => membership.RowOf(u) is not { IsBehind: true }).ToList();

    /// <summary>
    /// The rows after <paramref name="recalls"/> went to the inboxes in step and
    /// <paramref name="failed"/> of them failed: those fall behind owing them, and every member
    /// already behind is owed them too.
    /// </summary>
    public static IEnumerable<MemberRow> Recalled(Membership membership, IReadOnlyCollection<string> failed, IReadOnlyList<long> recalls,
        long fannedOutThrough) =>
        FallBehind(membership, failed, fannedOutThrough, recalls)
            .Concat(membership.Stragglers.Where(r => !failed.Contains(r.UserId) && r.IsMember)
                .Select(r => r with { OwedRecalls = r.Recalls.Union(recalls).ToList() })
                .Where(r => !r.Equals(membership.RowOf(r.UserId))));

    /// <summary>A user catching up was delivered everything through <paramref name="through"/>.</summary>
    public static MemberRow Delivered(MemberRow row, long through) => row with { Behind = Math.Max(row.Behind ?? 0, through) };

    /// <summary>
    /// What a user catching up was owed expired before they got it: it moves past the trim mark,
    /// but no further than the fan-out stands.
    /// </summary>
    public static MemberRow Expired(MemberRow row, long trimmedThrough, long fannedOutThrough) =>
        Delivered(row, Math.Min(trimmedThrough, fannedOutThrough));

    /// <summary>A user catching up was owed nothing through <paramref name="through"/>.</summary>
    public static MemberRow Skipped(MemberRow row, long through) => row with { Behind = through };

    /// <summary>
    /// A user catching up was told the recalls in <paramref name="told"/>: only those are settled,
    /// since a recall that went out meanwhile may have been added to what it is owed.
    /// </summary>
    public static MemberRow RecallsTold(MemberRow row, IReadOnlyList<long> told) =>
        row with { OwedRecalls = row.Recalls.Except(told).ToList() is { Count: > 0 } rest ? rest : null };
}
