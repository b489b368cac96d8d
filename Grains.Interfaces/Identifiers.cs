using System.Text.RegularExpressions;

namespace Seqline;

/// <summary>The identifier rules of the protocol, checked wherever a request enters.</summary>
public static partial class Identifiers
{
    /// <summary>User and conversation ids: 1–128 characters of <c>[A-Za-z0-9._:@-]</c>.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Client message ids: 1–64 characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValidClientMsgId(string? id) => id is not null && ClientMsgIdPattern().IsMatch(id);

    /// <summary>Throws <see cref="ErrorCode.Invalid"/> unless <paramref name="id"/> is a valid id.</summary>
    public static string RequireId(string? id, string what) =>
        IsValidId(id) ? id! : throw SeqlineException.Invalid($"{what} must be 1-128 characters of [A-Za-z0-9._:@-].");

    // \z, not $: $ would also match before a final newline.
    [GeneratedRegex(@"\A[A-Za-z0-9._:@-]{1,128}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex ClientMsgIdPattern();
}
