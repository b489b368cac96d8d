using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Seqline.OfflinePush;

/// <summary>
/// The node's sender of offline pushes, one per silo (a singleton, not a grain: it holds nothing
/// that must survive the node). Inboxes hand it notices with <see cref="Notify"/>, which never
/// waits and never throws, so delivery is never held up by the webhook. Notices are gathered per
/// user for <c>BatchWindow</c>, then POSTed as one signed request, retried with exponential backoff
/// on a network failure, a timeout, 408, 429 or 5xx, up to <c>MaxAttempts</c>. A notice is sent at
/// most once per node lifetime. When the node stops, after the silo has (so no inbox adds more),
/// the batches still in their window go at once, each tried once within the host's shutdown
/// timeout: a rolling upgrade would otherwise drop every notice of the last window on every node.
/// What cannot be sent by then is lost (pushes are a hint: the messages are in the user's inbox).
/// </summary>
public sealed class OfflinePushDispatcher(
    IOptions<OfflinePushOptions> options,
    IHttpClientFactory httpClients,
    [FromKeyedServices(OfflinePushOptions.Clock)] TimeProvider clock,
    ILogger<OfflinePushDispatcher> logger) : IHostedLifecycleService, IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> the webhook is called with.</summary>
    public const string HttpClientName = "seqline-offline-push";

    // Enough to cover any redelivery an inbox could still make of a recent message.
    private const int Remembered = 100_000;

    private readonly OfflinePushBatches _batches = new(options.Value.MaxPending, Remembered);
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>Whether a webhook is configured; without one inboxes need not gather notices at all.</summary>
    public bool Enabled => !string.IsNullOrEmpty(options.Value.Url);

    /// <summary>Whether notices carry previews, and how long they may be.</summary>
    public OfflinePushOptions Options => options.Value;

    /// <summary>Notices queued and not sent yet.</summary>
    public int Pending => _batches.PendingCount;

    /// <summary>Queues notices for their users' next batches; returns at once.</summary>
    public void Notify(IEnumerable<OfflineNotice> notices)
    {
        if (!Enabled || _stopping.IsCancellationRequested) return;
        foreach (var notice in notices)
        {
            switch (_batches.Add(notice))
            {
                case OfflinePushBatches.Added.Opened:
                    _ = SendLater(notice.UserId);
                    break;
                case OfflinePushBatches.Added.Dropped:
                    logger.LogWarning("Offline push queue full ({Max} notices); dropping {NoticeId}", options.Value.MaxPending, notice.Id);
                    break;
            }
        }
    }

    private async Task SendLater(string userId)
    {
        try
        {
            await Task.Delay(options.Value.BatchWindow, clock, _stopping.Token);
            var batch = _batches.Take(userId);
            if (batch.Count > 0) await Send(userId, batch, options.Value.MaxAttempts, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The node stops: a batch in its window is taken by StoppedAsync, one in its retries is lost.
        }
        catch (Exception error)
        {
            logger.LogError(error, "Offline push for {UserId} failed unexpectedly", userId);
        }
    }

    // Up to maxAttempts tries, backing off between them; ended early by ends.
    private async Task Send(string userId, IReadOnlyList<OfflineNotice> batch, int maxAttempts, CancellationToken ends)
    {
        var o = options.Value;
        var body = WebhookPayload.Serialize(userId, batch);
        for (var attempt = 1; ; attempt++)
        {
            var (sent, retry, reason) = await TrySend(o, body, ends);
            if (sent) return;
            if (!retry || attempt >= maxAttempts)
            {
                logger.LogWarning("Gave up an offline push of {Count} notices for {UserId} after {Attempts} attempts: {Reason}", batch.Count, userId, attempt, reason);
                return;
            }
            await Task.Delay(o.RetryBaseDelay * Math.Pow(2, attempt - 1), clock, ends);
        }
    }

    // One try, ended early by ends (the node stopping) or by the options' timeout.
    private async Task<(bool Sent, bool Retry, string Reason)> TrySend(OfflinePushOptions o, byte[] body, CancellationToken ends)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(o.SigningKey!, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ends);
        timeout.CancelAfter(o.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode) return (true, false, "");
            var status = (int)response.StatusCode;
            return (false, status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests, $"status {status}");
        }
        catch (Exception error) when (error is HttpRequestException || error is OperationCanceledException && !ends.IsCancellationRequested)
        {
            return (false, true, error.Message);
        }
    }

    // The host calls this once every hosted service, the silo included, has stopped.
    async Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken)
    {
        // No notice is taken any more, and the batches' window timers end without taking theirs.
        await _stopping.CancelAsync();
        var waiting = _batches.TakeAll();
        if (!Enabled || waiting.Count == 0) return;
        logger.LogInformation("The node stops: sending {Count} waiting offline push batches now", waiting.Count);
        // One try each: a retry's backoff would hold up the stop.
        await Task.WhenAll(waiting.Select(async w =>
        {
            try
            {
                await Send(w.UserId, w.Batch, maxAttempts: 1, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("An offline push of {Count} notices for {UserId} was lost: the node's shutdown timeout ran out", w.Batch.Count, w.UserId);
            }
        }));
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Twice: the container disposes the singleton and the hosted service it also is.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
