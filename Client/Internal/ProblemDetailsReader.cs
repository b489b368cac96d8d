using System.Net.Http.Json;
using System.Text.Json;

namespace Seqline.Client.Internal;

internal static class ProblemDetailsReader
{
    public static async Task<SeqlineApiException> ReadAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var problem = await TryReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        return new SeqlineApiException(
            status,
            problem?.Code ?? ErrorCodes.FromStatus(status),
            problem?.Detail ?? problem?.Title ?? response.ReasonPhrase,
            RetryAfter(response, time));
    }

    // A 401 from the authentication layer has no body and a proxy may answer with HTML:
    // neither may hide the status, which alone decides whether the call is retried.
    private static async Task<ProblemDetailsBody?> TryReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync(SeqlineJsonContext.Default.ProblemDetailsBody, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
