using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Seqline.Api.Hosting;

/// <summary>Sends per user, configured in <c>Seqline:RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Seqline:RateLimits";

    /// <summary>Sustained sends per second per user.</summary>
    public int SendsPerSecond { get; set; } = 20;

    /// <summary>How many sends a user may burst above the sustained rate.</summary>
    public int SendBurst { get; set; } = 40;
}

/// <summary>
/// One token bucket per user, shared by the HTTP endpoint and the hub, so a client cannot get
/// around the limit by switching transports.
/// </summary>
public sealed class SendRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public SendRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetTokenBucketLimiter(user, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = o.SendBurst,
                TokensPerPeriod = o.SendsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one send from the user's bucket, or throws <see cref="ErrorCode.RateLimited"/>.</summary>
    public void Acquire(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        if (lease.IsAcquired) return;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        throw new SeqlineException(ErrorCode.RateLimited, $"Too many sends; retry after {seconds} s.", seconds);
    }

    public void Dispose() => _limiter.Dispose();
}
