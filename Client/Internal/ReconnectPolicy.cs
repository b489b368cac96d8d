using Microsoft.AspNetCore.SignalR.Client;

namespace Seqline.Client.Internal;

// SignalR's array-based policy gives up after the last delay and leaves the client deaf to pushes.
// This one keeps repeating the last delay for as long as the client lives.
internal sealed class ReconnectPolicy(IReadOnlyList<TimeSpan> delays) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
        Backoff.Jitter(delays[(int)Math.Min(retryContext.PreviousRetryCount, delays.Count - 1)]);
}
