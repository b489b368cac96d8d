namespace Seqline.Client;

/// <summary>Values of <see cref="SeqlineApiException.Code"/>.</summary>
/// <remarks>
/// The server names the code in its problem details or hub error. When it does not (a bare 401 from the
/// authentication layer, an error page from a proxy), the client derives the code from the HTTP status.
/// </remarks>
public static class ErrorCodes
{
    /// <summary>400: the request is malformed or breaks a limit; also a tampered sync cursor.</summary>
    public const string Invalid = "invalid";

    /// <summary>401: no token, or a token the server does not accept.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: the caller, a member, broke a rule (another user's message, the recall window, their role in a group), or the cursor is not theirs.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>404: the conversation does not exist, or the caller is not a member of it (the two answer alike).</summary>
    public const string NotFound = "not_found";

    /// <summary>405: the path does not take this HTTP method.</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>409: the request conflicts with the current state.</summary>
    public const string Conflict = "conflict";

    /// <summary>413: the message body is too large.</summary>
    public const string TooLarge = "too_large";

    /// <summary>415: the request body is not JSON.</summary>
    public const string UnsupportedMediaType = "unsupported_media_type";

    /// <summary>429: too many requests; wait <see cref="SeqlineApiException.RetryAfter"/> and retry.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>503: the server is temporarily unable to serve; retry.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Any other server failure.</summary>
    public const string ServerError = "server_error";

    internal static string FromStatus(int status) => status switch
    {
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => TooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => Unavailable,
        >= 500 => ServerError,
        _ => Invalid,
    };

    // Hub errors carry only a code; mapping it back to a status lets callers handle both transports alike.
    internal static int ToStatus(string code) => code switch
    {
        Invalid => 400,
        Unauthorized => 401,
        Forbidden => 403,
        NotFound => 404,
        MethodNotAllowed => 405,
        Conflict => 409,
        TooLarge => 413,
        UnsupportedMediaType => 415,
        RateLimited => 429,
        Unavailable => 503,
        _ => 500,
    };
}
