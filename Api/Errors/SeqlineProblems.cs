using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Seqline.Api.Errors;

/// <summary>
/// Turns refusals from the grains into RFC 7807 problem details with the protocol's status codes,
/// adding the error code as a <c>code</c> member so clients need not parse titles.
/// </summary>
internal sealed class SeqlineProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public static int StatusOf(ErrorCode code) => code switch
    {
        ErrorCode.Invalid => StatusCodes.Status400BadRequest,
        ErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCode.Conflict => StatusCodes.Status409Conflict,
        ErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    /// <summary>
    /// The code of a problem the framework answers itself (no or a bad token, an unknown route or
    /// method, a body that is not JSON or over the server's cap, a server bug), so that every failure
    /// carries one.
    /// </summary>
    public static void AddCode(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Extensions.ContainsKey("code")) return;
        if (context.ProblemDetails.Status is { } status and >= 400) context.ProblemDetails.Extensions["code"] = CodeOf(status);
    }

    /// <summary>The protocol's error code for an HTTP status.</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 500 => "server_error",
        _ => "invalid",
    };

    /// <summary>The refusal an exception stands for, over HTTP and the hub alike; null for a server bug.</summary>
    public static SeqlineException? RefusalOf(Exception exception) => exception switch
    {
        SeqlineException known => known,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => SeqlineException.TooLarge("The request body is too large."),
        BadHttpRequestException bad => SeqlineException.Invalid(bad.Message),
        // A silo that went away or a call that timed out is worth retrying, not a server bug.
        TimeoutException or Orleans.Runtime.OrleansException => new SeqlineException(ErrorCode.Unavailable, "The cluster is busy or restarting; retry."),
        _ => null,
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (RefusalOf(exception) is not { } refusal) return false;
        context.Response.StatusCode = StatusOf(refusal.Code);
        if (refusal.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = context.Response.StatusCode,
                Title = refusal.CodeName,
                Detail = refusal.Message,
                Extensions = { ["code"] = refusal.CodeName },
            },
        });
    }
}
