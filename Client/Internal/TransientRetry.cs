namespace Seqline.Client.Internal;

// Retries calls that are safe to repeat. Only the caller's token stops it early: HttpClient reports its own
// timeout as a cancellation too, and that one is a transient failure like any other.
internal sealed class TransientRetry(int maxAttempts, TimeSpan baseDelay, TimeSpan maxDelay, TimeProvider time)
{
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (attempt < maxAttempts && IsTransient(exception, cancellationToken))
            {
                await Task.Delay(DelayAfter(exception, attempt), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        SeqlineApiException api => api.IsTransient,
        HttpRequestException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    // The server knows best how long it is overloaded; otherwise back off exponentially.
    private TimeSpan DelayAfter(Exception exception, int attempt) =>
        exception is SeqlineApiException { RetryAfter: { } serverAsked }
            ? serverAsked
            : Backoff.Exponential(baseDelay, attempt, maxDelay);
}
