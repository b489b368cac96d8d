using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;
using Seqline.Timelines.Sqlite;
using Xunit.Abstractions;

namespace Seqline.Tests.Recovery;

/// <summary>
/// The real node, in its own process on SQLite, is SIGKILLed while eight senders are mid-send and
/// restarted on the same files: every acknowledged message is still there at its seq, retries of the
/// unacknowledged ones are exactly-once, and the recovery reminder alone finishes the fan-out.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SiloProcessKillTests(ITestOutputHelper output)
{
    private const int SenderLoops = 8;
    private const int AcksBeforeKill = 150;
    private const int MaxAttempts = 5000;
    private static readonly TimeSpan LoadLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);

    // Fan-out two messages at a time: slower than the senders commit, so the kill always leaves
    // acknowledged messages that are not in every inbox yet, which only the recovery reminder delivers.
    // Inboxes never checkpoint their index on their own here, so after the kill every index lags
    // its timeline and only the replay on activation can make the conversation lists right.
    private static readonly Dictionary<string, string> NodeSettings = new()
    {
        ["Seqline__Conversations__FanoutBatch"] = "2",
        ["Seqline__Sync__CheckpointEvents"] = "1000000",
        ["Seqline__Sync__CheckpointInterval"] = "01:00:00",
    };

    [Fact]
    public async Task A_node_killed_with_SIGKILL_mid_load_restarts_without_losing_an_acknowledged_message()
    {
        var clock = Stopwatch.StartNew();
        using var data = new TempDirectory();
        var ports = SiloPorts.Free();
        var grains = new SwitchableGrainFactory();
        SiloProcess? first = null, second = null;
        SiloClient? client = null;
        try
        {
            first = await SiloProcess.StartAsync(data.Path, ports, NodeSettings);
            client = await first.ConnectAsync(ResponseTimeout);
            grains.SwitchTo(client.Client);
            Log(clock, $"node pid {first.ProcessId} up on {ports}");

            var members = new[] { Ids.User("alice"), Ids.User("bob"), Ids.User("carol") };
            var id = Ids.Conversation();
            await client.Client.GetGrain<IConversationGrain>(id)
                .Create(new NewConversation(members[0], members, "kill -9", ConversationKind.Group));
            // Connected before any send, so each cursor sits at the head of an inbox holding nothing of
            // this conversation; every message must come through these cursors, once, in order.
            var devices = new List<TestDevice>();
            foreach (var member in members) devices.Add(await new TestDevice(grains.Factory, member).Connect());

            // --- Load, and the SIGKILL in the middle of it ---
            var load = new SendLoad(client.Client.GetGrain<IConversationGrain>(id), members);
            int acksAtKill = 0, sendingAtKill = 0;
            var victim = first;
            // Runs on the sender that got the threshold ack, the moment it got it: no scheduling delay.
            var kill = load.Acked(AcksBeforeKill).ContinueWith(_ =>
            {
                acksAtKill = load.AckCount;
                sendingAtKill = load.Sending;
                victim.Kill();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            var loops = load.Start();
            var done = await Task.WhenAny(kill, loops, Task.Delay(LoadLimit));
            Assert.True(done == kill,
                $"no kill: {load.AckCount} acks; senders {(loops.IsCompleted ? "stopped" : "still running")}: " +
                string.Join("; ", load.Failures.Select(f => f.Message)));
            await kill;
            Assert.Equal(SenderLoops, sendingAtKill);
            Assert.True(first.HasExited);
            if (OperatingSystem.IsLinux()) Assert.Equal(128 + 9, first.ExitCode); // terminated by signal 9
            Log(clock, $"SIGKILLed pid {first.ProcessId} at {acksAtKill} acks, with all {sendingAtKill} senders sending");

            // Each sender stops at its first failed send: at once when it has no connection, or after the
            // response timeout when its send was in flight (the client does not fail those on a lost gateway).
            await loops.WaitAsync(ResponseTimeout + TimeSpan.FromSeconds(10));
            Assert.Equal(SenderLoops, load.Unacknowledged.Count);
            Log(clock, $"senders stopped: {load.AckCount} acked, {load.Unacknowledged.Count} unacknowledged " +
                $"({string.Join(", ", load.Failures.Select(f => f.GetType().Name).Distinct())})");
            await client.DisposeAsync();
            client = null;

            // What the kill left on disk, read from a copy so that the restart gets the crashed files as they are.
            var highestAck = load.Acknowledged.Values.Max(a => a.Receipt.Seq);
            var (storedAtKill, deliveredAtKill, checkpointsAtKill) = await ReadCrashedFiles(data.Path, id, members);
            Log(clock, $"on disk after the kill: conversation 1..{storedAtKill}, inboxes {string.Join(", ", deliveredAtKill)}, " +
                $"inbox checkpoints written {string.Join(", ", checkpointsAtKill)} times");
            // Each index was written once, when its inbox started an epoch, before any message came.
            Assert.All(checkpointsAtKill, writes => Assert.Equal(1, writes));
            Assert.True(storedAtKill >= highestAck, $"seq {highestAck} was acknowledged but the timeline on disk ends at {storedAtKill}");
            Assert.True(deliveredAtKill.Min() < highestAck,
                $"the kill left every acknowledged message in every inbox ({string.Join(", ", deliveredAtKill)} of {highestAck}): nothing for recovery to prove");

            // --- Restart on the same files and ports ---
            second = await SiloProcess.StartAsync(data.Path, ports, NodeSettings);
            client = await second.ConnectAsync(ResponseTimeout);
            grains.SwitchTo(client.Client);
            Log(clock, $"restarted as pid {second.ProcessId}");

            // --- 1. Inboxes first, without a word to the conversation: only its recovery reminder can
            // wake it to fan out what the kill cut short. The devices pull from their pre-kill cursors. ---
            await Eventually.True(async () =>
            {
                foreach (var device in devices)
                {
                    await device.PullAll();
                    AssertOncePrefix(device, id);
                }
                return devices.All(d => d.MessageSeqs(id).Count >= storedAtKill);
            }, RecoveryLimit, $"the recovery reminder to bring every inbox up to seq {storedAtKill}");
            Log(clock, $"recovery reminder filled the inboxes: {string.Join(", ", devices.Select(d => d.MessageSeqs(id).Count))}");

            // --- 2. The history: contiguous, every ack at its seq, nothing twice, nothing invented ---
            var conversation = client.Client.GetGrain<IConversationGrain>(id);
            var history = await ReadHistory(conversation, members[0]);
            var n = history.Count;
            Assert.Equal(storedAtKill, n);
            AssertHistory(history, load);
            foreach (var (clientMsgId, ack) in load.Acknowledged)
            {
                var stored = history[(int)ack.Receipt.Seq - 1];
                Assert.Equal(clientMsgId, stored.ClientMsgId);
                Assert.Equal(ack.Message.SenderId, stored.SenderId);
                Assert.Equal(ack.Message.Body, stored.Body);
            }
            var landed = load.Unacknowledged.Count(u => history.Any(m => m.ClientMsgId == u.ClientMsgId));
            Assert.Equal(load.Acknowledged.Count + landed, n);
            await EveryDeviceHasExactly(devices, id, history);
            Log(clock, $"history 1..{n}: {load.Acknowledged.Count} acknowledged + {landed} unacknowledged that had landed; every inbox 1..{n}");

            // --- 3. Retrying each unacknowledged send: the original seq if it had landed, else a new one ---
            var next = n;
            foreach (var message in load.Unacknowledged.OrderBy(m => m.ClientMsgId, StringComparer.Ordinal))
            {
                var receipt = await conversation.Send(message);
                var original = history.SingleOrDefault(m => m.ClientMsgId == message.ClientMsgId);
                if (original is not null)
                {
                    Assert.True(receipt.Duplicate, $"{message.ClientMsgId} had landed at {original.Seq}; its retry must be a duplicate");
                    Assert.Equal(original.Seq, receipt.Seq);
                }
                else
                {
                    Assert.False(receipt.Duplicate, $"{message.ClientMsgId} had not landed; its retry is not a duplicate");
                    Assert.Equal(++next, receipt.Seq);
                }
            }
            var final = await ReadHistory(conversation, members[0]);
            Assert.Equal(next, final.Count);
            Assert.Equal(history, final.Take(n));
            AssertHistory(final, load);
            Assert.All(load.Unacknowledged, u => Assert.Single(final, m => m.ClientMsgId == u.ClientMsgId));
            await EveryDeviceHasExactly(devices, id, final);
            Log(clock, $"retried {load.Unacknowledged.Count}: {landed} duplicates, {next - n} new; every inbox 1..{next}");

            // --- 4. The conversation lists, rebuilt by replaying what followed each crashed checkpoint ---
            foreach (var member in members)
            {
                var row = (await client.Client.GetGrain<IInboxGrain>(member).GetConversations()).Single();
                var read = final.Where(m => m.SenderId == member).Select(m => m.Seq).DefaultIfEmpty(0).Max();
                Assert.Equal((id, (long)next, read, next - read), (row.ConversationId, row.LastSeq, row.ReadSeq, row.Unread));
                Assert.Equal(final[^1].Body, row.LastMessage!.Body);
            }
        }
        catch (Exception failure)
        {
            if (first is not null) output.WriteLine($"--- output of the killed node ---{Environment.NewLine}{first.Output}");
            if (second is not null) output.WriteLine($"--- output of the restarted node ---{Environment.NewLine}{second.Output}");
            // Last, so that the tail of a long log still says what failed.
            output.WriteLine($"--- failed: {failure}");
            throw;
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
            if (first is not null) await first.DisposeAsync();
        }
    }

    /// <summary>
    /// The conversation's last stored seq and how many messages each member's inbox holds, from a copy
    /// of the database the killed node left (its WAL included). The members' inboxes hold nothing but
    /// this conversation's messages, so an inbox's last seq is how many it got.
    /// </summary>
    private static async Task<(long Stored, List<long> Delivered, List<long> Checkpoints)> ReadCrashedFiles(
        string dataDirectory, string conversationId, string[] members)
    {
        using var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(dataDirectory)) File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        using var database = new SqliteDatabase(new SqliteOptions { DataDirectory = copy.Path }, NullLogger<SqliteDatabase>.Instance);
        var conversations = new SqliteTimelineStore(database, TimelineStoreNames.Conversations);
        var inboxes = new SqliteTimelineStore(database, TimelineStoreNames.Inboxes);
        var stored = (await conversations.GetHeadAsync(conversationId)).LastSeq;
        var delivered = new List<long>();
        foreach (var member in members) delivered.Add((await inboxes.GetHeadAsync(member)).LastSeq);
        // A state row's version counts its writes.
        var checkpoints = new List<long>();
        await using var connection = database.OpenReader();
        foreach (var member in members)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM grain_state WHERE state_name = 'inbox' AND grain_id = $g";
            command.Parameters.AddWithValue("$g", $"inbox/{member}");
            checkpoints.Add(await command.ExecuteScalarAsync() is long version ? version : 0);
        }
        return (stored, delivered, checkpoints);
    }

    /// <summary>Seqs 1..N with no gap and no repeat, each message once, as its sender sent it.</summary>
    private static void AssertHistory(List<ChatMessage> history, SendLoad load)
    {
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(m => m.Seq));
        var twice = history.GroupBy(m => (m.SenderId, m.ClientMsgId)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"stored twice: {string.Join(", ", twice)}");
        foreach (var message in history)
        {
            Assert.True(load.Attempted.TryGetValue(message.ClientMsgId, out var sent), $"seq {message.Seq} ({message.ClientMsgId}) was never sent");
            Assert.Equal(sent.SenderId, message.SenderId);
            Assert.Equal(sent.Body, message.Body);
        }
    }

    /// <summary>What the device pulled of the conversation is 1..K: nothing twice, nothing skipped, in order.</summary>
    private static List<long> AssertOncePrefix(TestDevice device, string conversationId)
    {
        var seqs = device.MessageSeqs(conversationId);
        Assert.True(seqs.SequenceEqual(Enumerable.Range(1, seqs.Count).Select(i => (long)i)),
            $"{device.UserId} pulled [{string.Join(",", seqs)}], not 1..{seqs.Count} once each in order");
        return seqs;
    }

    /// <summary>Every device ends up with exactly the history: same seqs, senders, ids and bodies, once each.</summary>
    private static async Task EveryDeviceHasExactly(List<TestDevice> devices, string conversationId, List<ChatMessage> history)
    {
        await Eventually.True(async () =>
        {
            foreach (var device in devices)
            {
                await device.PullAll();
                Assert.True(AssertOncePrefix(device, conversationId).Count <= history.Count,
                    $"{device.UserId} pulled more than the {history.Count} stored messages");
            }
            return devices.All(d => d.MessageSeqs(conversationId).Count == history.Count);
        }, RecoveryLimit, $"every inbox to hold exactly 1..{history.Count}");

        foreach (var device in devices)
        {
            var pulled = device.Events.Where(e => e.Type == SyncEventTypes.Message && e.ConversationId == conversationId).ToList();
            Assert.Equal(
                history.Select(m => (m.Seq, m.SenderId, m.ClientMsgId, m.Body)),
                pulled.Select(e => (e.Seq, e.SenderId!, e.ClientMsgId!, e.Body!)));
        }
    }

    private static async Task<List<ChatMessage>> ReadHistory(IConversationGrain conversation, string userId)
    {
        var messages = new List<ChatMessage>();
        for (long after = 0; ;)
        {
            var page = await conversation.ReadAfter(userId, after, 1000);
            messages.AddRange(page.Messages);
            if (!page.HasMore) return messages;
            Assert.NotEmpty(page.Messages);
            after = page.Messages[^1].Seq;
        }
    }

    private void Log(Stopwatch clock, string what) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.00}s] {what}");

    /// <summary>
    /// Sender loops, each one member sending one message at a time with fresh clientMsgIds. A loop
    /// stops at its first failed send, after <see cref="MaxAttempts"/> sends in all, or after
    /// <see cref="LoadLimit"/>, so each loop leaves at most one send unacknowledged.
    /// </summary>
    private sealed class SendLoad(IConversationGrain conversation, IReadOnlyList<string> members)
    {
        // Continuations run inline, on the sender that got the threshold ack.
        private readonly TaskCompletionSource _threshold = new();
        private int _thresholdAcks = int.MaxValue;
        private int _attempts;
        private int _acks;
        private int _sending;

        public ConcurrentDictionary<string, OutgoingMessage> Attempted { get; } = new();
        public ConcurrentDictionary<string, (OutgoingMessage Message, SendReceipt Receipt)> Acknowledged { get; } = new();
        public ConcurrentBag<OutgoingMessage> Unacknowledged { get; } = [];
        public ConcurrentBag<Exception> Failures { get; } = [];
        public int AckCount => Volatile.Read(ref _acks);

        /// <summary>How many loops are still running.</summary>
        public int Sending => Volatile.Read(ref _sending);

        /// <summary>Completes when the <paramref name="count"/>th send is acknowledged.</summary>
        public Task Acked(int count)
        {
            Volatile.Write(ref _thresholdAcks, count);
            if (AckCount >= count) _threshold.TrySetResult();
            return _threshold.Task;
        }

        public Task Start()
        {
            var deadline = Stopwatch.StartNew();
            Volatile.Write(ref _sending, SenderLoops);
            return Task.WhenAll(Enumerable.Range(0, SenderLoops).Select(loop => Task.Run(() => Loop(loop, deadline))));
        }

        private async Task Loop(int loop, Stopwatch deadline)
        {
            try
            {
                var sender = members[loop % members.Count];
                var previous = 0L;
                for (var i = 0; deadline.Elapsed < LoadLimit && Interlocked.Increment(ref _attempts) <= MaxAttempts; i++)
                {
                    var message = new OutgoingMessage(sender, $"L{loop}-{i}", $"{sender} #{i} of loop {loop}");
                    Attempted[message.ClientMsgId] = message;
                    SendReceipt receipt;
                    try
                    {
                        receipt = await conversation.Send(message);
                    }
                    catch (Exception error)
                    {
                        Unacknowledged.Add(message);
                        Failures.Add(error);
                        return;
                    }
                    Assert.False(receipt.Duplicate, $"{message.ClientMsgId} was sent once but acknowledged as a duplicate");
                    Assert.True(receipt.Seq > previous, $"loop {loop}'s sends were acknowledged out of order");
                    previous = receipt.Seq;
                    Acknowledged[message.ClientMsgId] = (message, receipt);
                    if (Interlocked.Increment(ref _acks) >= Volatile.Read(ref _thresholdAcks)) _threshold.TrySetResult();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _sending);
            }
        }
    }
}
