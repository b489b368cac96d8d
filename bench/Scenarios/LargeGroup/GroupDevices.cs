using System.Globalization;
using Seqline.Bench.Infrastructure;
using Seqline.Inboxes;
using Seqline.Presence;
using Seqline.Push;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// The online members' devices: one in-process grain observer per member, registered with the
/// member's inbox as an edge node registers its own (not a SignalR connection). Each records when
/// it first got each of the bench's messages and how many copies it got, so that "every device got
/// each message once" is counted, not assumed. Messages are known by their clientMsgId
/// (<see cref="ClientMsgId"/>), so a push that overtakes the send's acknowledgement is still matched.
/// </summary>
public sealed class GroupDevices
{
    private const string Prefix = "lg-";
    private readonly string _conversationId;
    private readonly int _messages;
    private readonly Receiver[] _devices;
    private readonly long[] _arrivals;
    private readonly int[] _copies;
    private readonly int[] _reached;
    private long _duplicates;
    private long _strays;
    private long _pullHints;

    public GroupDevices(int devices, string conversationId, int messages)
    {
        _conversationId = conversationId;
        _messages = messages;
        _devices = Enumerable.Range(0, devices).Select(d => new Receiver(this, d)).ToArray();
        _arrivals = new long[devices * messages];
        _copies = new int[devices * messages];
        _reached = new int[messages];
    }

    public int Count => _devices.Length;

    /// <summary>The clientMsgId of the bench's message number <paramref name="message"/>.</summary>
    public static string ClientMsgId(int message) => Prefix + message.ToString(CultureInfo.InvariantCulture);

    /// <summary>The receiver of device <paramref name="device"/>, to register with its member's inbox.</summary>
    public IInboxObserver Device(int device) => _devices[device];

    /// <summary>How many devices have message <paramref name="message"/>.</summary>
    public int Reached(int message) => Volatile.Read(ref _reached[message]);

    /// <summary>Copies of a message a device had already: should be none.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Messages of the group pushed that the bench did not send (or not this run): should be none.</summary>
    public long Strays => Interlocked.Read(ref _strays);

    /// <summary>Pushes without events: an inbox telling a device to pull because something went missing.</summary>
    public long PullHints => Interlocked.Read(ref _pullHints);

    /// <summary>When device <paramref name="device"/> first got message <paramref name="message"/> (<see cref="Clock.Now"/>), 0 if never.</summary>
    public long ArrivalOf(int device, int message) => Interlocked.Read(ref _arrivals[device * _messages + message]);

    private void Received(int device, InboxPush push, long at)
    {
        if (push.Events.Count == 0) Interlocked.Increment(ref _pullHints);
        foreach (var e in push.Events)
        {
            if (e.Type != SyncEventTypes.Message || e.ConversationId != _conversationId) continue;
            if (MessageOf(e.ClientMsgId) is not { } message)
            {
                Interlocked.Increment(ref _strays);
                continue;
            }
            var slot = device * _messages + message;
            if (Interlocked.Increment(ref _copies[slot]) > 1)
            {
                Interlocked.Increment(ref _duplicates);
                continue;
            }
            Interlocked.Exchange(ref _arrivals[slot], at);
            Interlocked.Increment(ref _reached[message]);
        }
    }

    private int? MessageOf(string? clientMsgId) =>
        clientMsgId is not null && clientMsgId.StartsWith(Prefix, StringComparison.Ordinal)
        && int.TryParse(clientMsgId.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var message)
        && message < _messages
            ? message
            : null;

    private sealed class Receiver(GroupDevices devices, int index) : IInboxObserver
    {
        public Task OnPush(InboxPush push)
        {
            devices.Received(index, push, Clock.Now);
            return Task.CompletedTask;
        }

        // Typing is not what this scenario measures.
        public Task OnTyping(string userId, TypingNotice notice) => Task.CompletedTask;

        public Task OnReceipts(string userId, Seqline.Receipts.ReceiptsNotice notice) => Task.CompletedTask;

        public Task OnReceiptsMany(string userId, IReadOnlyList<Seqline.Receipts.ReceiptsNotice> notices) => Task.CompletedTask;
    }
}
