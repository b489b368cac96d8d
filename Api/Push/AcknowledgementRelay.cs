using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// Devices' acknowledgements of pushed messages (hub method <c>DeliveredMany</c>), merged per user on
/// this edge node and forwarded at most once per <see cref="PushOptions.AcknowledgementInterval"/> per
/// user (the first after a quiet interval within a quarter of it): one one-way call to the user's
/// inbox with the newest seq of each conversation, however many devices and conversations
/// acknowledged meanwhile. Every device of every user acknowledges every
/// conversation that receives messages, so one call per acknowledgement would cost more grain
/// calls than the messages themselves. What waits is kept in an <see cref="AcknowledgementBook"/>.
/// </summary>
public sealed partial class AcknowledgementRelay(
    IGrainFactory grains,
    IOptions<PushOptions> options,
    TimeProvider clock,
    ILogger<AcknowledgementRelay> logger) : BackgroundService
{
    private readonly AcknowledgementBook _book = new(options.Value.AcknowledgementInterval);

    /// <summary>A device of <paramref name="userId"/> has these conversations' messages up to each seq (checked by the caller).</summary>
    public void Acknowledged(string userId, IReadOnlyList<DeliveredPosition> positions) => _book.Add(userId, positions);

    /// <summary>Forwards what is due: one call per user.</summary>
    private void Forward(List<(string UserId, List<DeliveredPosition> Positions)> due)
    {
        foreach (var (userId, positions) in due)
        {
            try
            {
                // One-way: a lost call only leaves a sender's tick at "sent" until the next acknowledgement.
                grains.GetGrain<IInboxReceipts>(userId).DeliveredMany(positions);
            }
            catch (Exception error)
            {
                LogForwardFailed(logger, error, userId);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ticks a quarter of the interval apart: a user's first acknowledgement after a quiet
        // interval waits at most that long.
        using var timer = new PeriodicTimer(options.Value.AcknowledgementInterval / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Forward(_book.TakeDue(clock.GetUtcNow()));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // What devices acknowledged last still goes: a node that stops leaves no tick behind.
        Forward(_book.TakeAll());
    }

    [LoggerMessage(LogLevel.Debug, "Forwarding acknowledgements of {UserId} failed; the next ones carry the positions")]
    private static partial void LogForwardFailed(ILogger logger, Exception error, string userId);
}
