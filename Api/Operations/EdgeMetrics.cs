using System.Diagnostics;
using System.Diagnostics.Metrics;
using Seqline.Api.Errors;
using Seqline.Conversations;
using Seqline.Diagnostics;
using Seqline.Inboxes;

namespace Seqline.Api.Operations;

/// <summary>
/// What the edge sees: sends acknowledged and refused, syncs and resets, connected devices and
/// pushes, each send and sync tagged with the transport it came by (<c>http</c> or <c>hub</c>).
/// </summary>
public sealed class EdgeMetrics
{
    public const string Http = "http";
    public const string Hub = "hub";

    /// <summary>What carried a batch of push acknowledgements: a hub message of its own (<c>DeliveredMany</c>).</summary>
    public const string ByMessage = "message";

    /// <summary>What carried a batch of push acknowledgements: a send (its <c>delivered</c> field).</summary>
    public const string BySend = "send";

    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _sendDuration;
    private readonly Counter<long> _syncs;
    private readonly Counter<long> _resets;
    private readonly UpDownCounter<long> _devices;
    private readonly Counter<long> _pushesSent;
    private readonly Counter<long> _pushesDropped;
    private readonly Histogram<double> _pushLag;
    private readonly Counter<long> _acknowledgements;
    private readonly Counter<long> _noticesSent;

    public EdgeMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(SeqlineDiagnostics.MeterName);
        _acknowledged = meter.CreateCounter<long>("seqline.sends.acknowledged", "{message}",
            "Sends acknowledged: durable in the conversation's timeline (duplicate=true: a retry answered with the original seq).");
        _refused = meter.CreateCounter<long>("seqline.sends.refused", "{message}",
            "Sends refused, by the protocol's error code (invalid, forbidden, not_found, too_large, rate_limited, unavailable; error: a server bug).");
        _sendDuration = meter.CreateDurationHistogram("seqline.send.duration", "Time from a send's arrival at the edge to its acknowledgement.");
        _syncs = meter.CreateCounter<long>("seqline.syncs", "{sync}", "Sync pages served.");
        _resets = meter.CreateCounter<long>("seqline.sync.resets", "{reset}",
            "Sync pages that were resets: a first sync, or a cursor expired, from an earlier epoch or refused.");
        _devices = meter.CreateUpDownCounter<long>("seqline.devices.connected", "{device}", "Devices connected to this edge node's hub.");
        _pushesSent = meter.CreateCounter<long>("seqline.pushes.sent", "{push}", "Pushes handed to the connections of a user's devices on this node.");
        _pushesDropped = meter.CreateCounter<long>("seqline.pushes.dropped", "{push}",
            "Pushes not sent, by reason: failed (SignalR could not take it), intercepted (an IPushInterceptor said no), stale, overflow, no_device (no device of the user here).");
        _acknowledgements = meter.CreateCounter<long>("seqline.acknowledgements", "{batch}",
            "Batches of push acknowledgements from devices, by what carried them: message (a DeliveredMany of its own) or send (riding on a send).");
        _noticesSent = meter.CreateCounter<long>("seqline.notices.sent", "{message}",
            "Ephemeral notices handed to the connections of a user's devices on this node, by hub method: typing, receipts, receiptsMany (one for several conversations), events (receipts riding on a push).");
        _pushLag = meter.CreateDurationHistogram("seqline.push.lag",
            "Time from a message's acceptance (its sentAt, by the clock of its conversation's silo) to its push being handed to a user's connections on this node, once per user, by fan-out mode (write or read).");
    }

    /// <summary>Runs a send, counting its acknowledgement or its refusal; what it throws is rethrown.</summary>
    public async Task<SendReceipt> Send(string transport, Func<Task<SendReceipt>> send)
    {
        var started = Stopwatch.GetTimestamp();
        SendReceipt receipt;
        try
        {
            receipt = await send();
        }
        catch (Exception error)
        {
            _refused.Add(1, Transport(transport), new("code", SeqlineProblems.RefusalOf(error)?.CodeName ?? "error"));
            throw;
        }
        _acknowledged.Add(1, Transport(transport), new("duplicate", receipt.Duplicate));
        _sendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, Transport(transport));
        return receipt;
    }

    /// <summary>Counts a sync page served, and whether it was a reset; returns it.</summary>
    public SyncPage Synced(string transport, SyncPage page)
    {
        _syncs.Add(1, Transport(transport));
        if (page.Reset) _resets.Add(1, Transport(transport));
        return page;
    }

    public void DeviceConnected() => _devices.Add(1);

    public void DeviceDisconnected() => _devices.Add(-1);

    /// <summary>
    /// Counts a push handed to a user's connections, and each message in it from its acceptance
    /// to now: the server's own part of send→push, which the edge is the last to see.
    /// </summary>
    public void PushSent(IReadOnlyList<SyncEvent> events, DateTimeOffset now)
    {
        _pushesSent.Add(1);
        // Indexed: this runs for every push, and an enumerator over the interface would be an allocation.
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Type != SyncEventTypes.Message || e.SentAt is not { } sentAt) continue;
            // Clocks of two silos may disagree by a little; a negative lag says only that.
            _pushLag.Record(Math.Max(0, (now - sentAt).TotalSeconds), new KeyValuePair<string, object?>("fanout", e.Fanout == FanoutMode.Read ? "read" : "write"));
        }
    }

    /// <summary>Counts a batch of push acknowledgements taken from a device, carried <see cref="ByMessage"/> or <see cref="BySend"/>.</summary>
    public void Acknowledgements(string carrier) => _acknowledgements.Add(1, new KeyValuePair<string, object?>("carrier", carrier));

    public void NoticeSent(string method) => _noticesSent.Add(1, new KeyValuePair<string, object?>("method", method));

    public void PushDropped(string reason) => _pushesDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static KeyValuePair<string, object?> Transport(string transport) => new("transport", transport);
}
