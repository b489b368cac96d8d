using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seqline.Push;
using Seqline.Receipts;

namespace Seqline.Api.Push;

/// <summary>
/// Devices' acknowledgements of pushed messages (hub method <c>DeliveredMany</c>), as the
/// <see cref="AcknowledgementBook"/> keeps them (checked against what this node pushed, merged per
/// conversation), told straight to each conversation's receipts at most once per
/// <see cref="PushOptions.AcknowledgementInterval"/> (the first after a quiet interval within a
/// quarter of it), growing to <see cref="PushOptions.AcknowledgementBusyInterval"/> while they keep
/// coming: one one-way call per conversation with all its members' newest positions, however
/// many devices acknowledged meanwhile. Every device acknowledges every conversation that receives
/// messages; a call per acknowledgement, or one per member through the member's inbox, would cost
/// more grain calls than the messages themselves.
/// </summary>
public sealed partial class AcknowledgementRelay(
    IGrainFactory grains,
    AcknowledgementBook book,
    IOptions<PushOptions> options,
    TimeProvider clock,
    ILogger<AcknowledgementRelay> logger) : BackgroundService
{
    /// <summary>Tells what is due: one call per conversation.</summary>
    private void Forward(List<(string ConversationId, List<MemberDelivered> Members)> due)
    {
        foreach (var (conversationId, members) in due)
        {
            try
            {
                // One-way: a lost call only leaves a sender's tick at "sent" until the next acknowledgement.
                grains.Reference<IConversationReceipts>(conversationId).Delivered(members);
            }
            catch (Exception error)
            {
                LogForwardFailed(logger, error, conversationId);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ticks a quarter of the interval apart: the first acknowledgement after a quiet interval
        // waits at most that long.
        using var timer = new PeriodicTimer(options.Value.AcknowledgementInterval / 4, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Forward(book.TakeDue());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // What devices acknowledged last still goes: a node that stops leaves no tick behind.
        Forward(book.TakeAll());
    }

    [LoggerMessage(LogLevel.Debug, "Telling the receipts of {ConversationId} what devices acknowledged failed; the next acknowledgements carry the positions")]
    private static partial void LogForwardFailed(ILogger logger, Exception error, string conversationId);
}
