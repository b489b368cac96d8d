using Seqline.Bench.Infrastructure;
using Seqline.Conversations;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// Sends the bench's messages to the group one at a time, as its creator, and times each from the
/// send call to its push on every online device (<see cref="GroupDevices"/>), waiting until every
/// device has it (or <see cref="LargeGroupOptions.DeliveryTimeout"/>) before the next goes.
/// </summary>
internal sealed class GroupSends(IConversationGrain conversation, GroupDevices devices, LargeGroupOptions options)
{
    public async Task<(MessageRun Run, Latency Latency)> Send(int message, IPhase? phase)
    {
        var start = Clock.Now;
        var receipt = await conversation.Send(new OutgoingMessage(LargeGroupScenario.Owner, GroupDevices.ClientMsgId(message),
            $"message {message} to the large group"));
        var ack = Clock.Microseconds(start, Clock.Now) / 1000;
        var deadline = start + (long)(options.DeliveryTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        // The devices record their own arrival times; this only waits (the poll's period is not measured).
        while (devices.Reached(message) < devices.Count && Clock.Now < deadline)
        {
            phase?.Set(devices.Reached(message));
            await Task.Delay(10);
        }
        var latency = new Latency();
        var first = double.MaxValue;
        for (var d = 0; d < devices.Count; d++)
        {
            if (devices.ArrivalOf(d, message) is not (var at and not 0)) continue;
            var microseconds = Clock.Microseconds(start, at);
            latency.RecordMicroseconds(microseconds);
            first = Math.Min(first, microseconds / 1000);
        }
        return (new MessageRun(message, receipt.Seq, ack, devices.Reached(message), first == double.MaxValue ? 0 : first, latency.Summary()), latency);
    }
}
