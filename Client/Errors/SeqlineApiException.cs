using Microsoft.AspNetCore.SignalR;

namespace Seqline.Client;

/// <summary>The server refused or failed a call. Nothing was changed by it.</summary>
public sealed class SeqlineApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status, or the status equivalent to a hub error's code.</param>
    /// <param name="code">One of <see cref="ErrorCodes"/>, or a newer code.</param>
    /// <param name="detail">The server's explanation, if it gave one.</param>
    /// <param name="retryAfter">How long the server asked the client to wait, if it did.</param>
    /// <param name="innerException">The transport's own exception, if there was one.</param>
    public SeqlineApiException(int status, string code, string? detail, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(detail is null ? $"{status} {code}" : $"{status} {code}: {detail}", innerException)
    {
        Status = status;
        Code = code;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status (400, 401, 403, 404, 413, 429, 503, …).</summary>
    public int Status { get; }

    /// <summary>The machine-readable error code, one of <see cref="ErrorCodes"/> or a newer one.</summary>
    public string Code { get; }

    /// <summary>The server's human-readable explanation, if any.</summary>
    public string? Detail { get; }

    /// <summary>The server's Retry-After, if it sent one (with 429 and sometimes 503).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether retrying the same call later may succeed: rate limiting and server-side failures.</summary>
    public bool IsTransient => Status is 429 or >= 500;

    /// <summary>Reads the code out of a failed hub invocation.</summary>
    /// <remarks>
    /// The server's message is <c>code: detail</c>, but SignalR delivers it wrapped as
    /// <c>An unexpected error occurred invoking 'X' on the server. HubException: code: detail</c>.
    /// A message without a recognisable code is reported as <see cref="ErrorCodes.ServerError"/>.
    /// </remarks>
    public static SeqlineApiException FromHubException(HubException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        const string Wrapper = "HubException: ";
        var message = exception.Message;
        var wrapped = message.IndexOf(Wrapper, StringComparison.Ordinal);
        if (wrapped >= 0)
        {
            message = message[(wrapped + Wrapper.Length)..];
        }

        var colon = message.IndexOf(':');
        if (colon > 0 && IsCode(message.AsSpan(0, colon)))
        {
            var code = message[..colon];
            return new SeqlineApiException(ErrorCodes.ToStatus(code), code, message[(colon + 1)..].Trim(), innerException: exception);
        }

        return new SeqlineApiException(500, ErrorCodes.ServerError, message, innerException: exception);
    }

    private static bool IsCode(ReadOnlySpan<char> candidate)
    {
        foreach (var c in candidate)
        {
            if (c is not ((>= 'a' and <= 'z') or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
