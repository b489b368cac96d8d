namespace Seqline;

/// <summary>
/// The request limits of the protocol (configuration section <c>Seqline:Limits</c>). The grains
/// enforce them, so a .NET service calling grains directly gets the same answers as the HTTP API.
/// </summary>
public sealed class SeqlineLimits
{
    public const string Section = "Seqline:Limits";

    /// <summary>Largest message body, in UTF-8 bytes.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Most members one conversation may have.</summary>
    public int MaxMembers { get; set; } = 100_000;

    /// <summary>Largest page a history read or sync pull may ask for.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Page size when the caller names none.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Longest conversation title, in characters.</summary>
    public int MaxTitleLength { get; set; } = 200;

    /// <summary>Most admins one group may have (the owner aside): they are kept in the conversation's state.</summary>
    public int MaxAdmins { get; set; } = 100;

    /// <summary>Most different emoji one message may carry as reactions.</summary>
    public int MaxReactionKinds { get; set; } = 20;

    /// <summary>Most reactions (different emoji) one member may give one message.</summary>
    public int MaxReactionsPerUser { get; set; } = 3;

    /// <summary>
    /// Most reactions one message may carry in all: the message lists who gave each, so this bounds
    /// its stored size (about 70 bytes a reaction at worst) however large the group.
    /// </summary>
    public int MaxReactionsPerMessage { get; set; } = 5000;

    /// <summary>Throws <see cref="ErrorCode.Invalid"/> unless 1 ≤ <paramref name="limit"/> ≤ <see cref="MaxPageSize"/>.</summary>
    public int RequirePageSize(int limit) => limit >= 1 && limit <= MaxPageSize
        ? limit
        : throw SeqlineException.Invalid($"limit must be between 1 and {MaxPageSize}.");
}
