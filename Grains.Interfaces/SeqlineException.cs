namespace Seqline;

/// <summary>What went wrong, in the words the protocol uses for its error codes.</summary>
public enum ErrorCode
{
    /// <summary>The input breaks a documented rule (ids, sizes, limits, cursors).</summary>
    Invalid,
    /// <summary>The caller may not touch this conversation or inbox.</summary>
    Forbidden,
    /// <summary>The conversation does not exist.</summary>
    NotFound,
    /// <summary>A body or a list is over its configured limit.</summary>
    TooLarge,
    /// <summary>The thing already exists in a form that does not fit the request.</summary>
    Conflict,
    /// <summary>The caller sends faster than allowed.</summary>
    RateLimited,
    /// <summary>Storage could not take the request right now; retry it (sends: with the same clientMsgId).</summary>
    Unavailable,
}

/// <summary>
/// A refused request. Grains throw it before they change anything, so a caller that gets one
/// knows nothing was written.
/// </summary>
[GenerateSerializer, Alias("Seqline.SeqlineException")]
public sealed class SeqlineException : Exception
{
    public SeqlineException(ErrorCode code, string message, int? retryAfterSeconds = null) : base(message)
    {
        Code = code;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The error code; the edge maps it to an HTTP status or a hub error prefix.</summary>
    [Id(0)]
    public ErrorCode Code { get; }

    /// <summary>For <see cref="ErrorCode.RateLimited"/>: when trying again may succeed.</summary>
    [Id(1)]
    public int? RetryAfterSeconds { get; }

    /// <summary>The protocol's spelling of <see cref="Code"/>: <c>invalid</c>, <c>not_found</c>, …</summary>
    public string CodeName => Code switch
    {
        ErrorCode.Invalid => "invalid",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.NotFound => "not_found",
        ErrorCode.TooLarge => "too_large",
        ErrorCode.Conflict => "conflict",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.Unavailable => "unavailable",
        _ => "error",
    };

    public static SeqlineException Invalid(string message) => new(ErrorCode.Invalid, message);
    public static SeqlineException Forbidden(string message) => new(ErrorCode.Forbidden, message);
    public static SeqlineException NotFound(string message) => new(ErrorCode.NotFound, message);
    public static SeqlineException TooLarge(string message) => new(ErrorCode.TooLarge, message);
}
