using System.Text.RegularExpressions;

namespace Seqline.Conversations;

/// <summary>Who a message mentions: members named in the explicit list or as <c>@userId</c> in the body.</summary>
internal static partial class Mentions
{
    private const int MaxPerMessage = 50;

    public static IReadOnlyList<string>? Of(OutgoingMessage message, Func<string, bool> isMember)
    {
        var named = (message.Mentions ?? [])
            .Concat(AtName().Matches(message.Body).Select(m => m.Groups[1].Value.TrimEnd('.', ':', '-')))
            .Where(id => id != message.SenderId && isMember(id))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxPerMessage)
            .ToList();
        return named.Count > 0 ? named : null;
    }

    // An @ that starts a word, followed by a user id; trailing punctuation is trimmed above.
    [GeneratedRegex(@"(?<![A-Za-z0-9._:@-])@([A-Za-z0-9._:-][A-Za-z0-9._:@-]{0,127})")]
    private static partial Regex AtName();
}
