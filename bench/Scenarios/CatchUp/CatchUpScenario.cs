using System.Diagnostics;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.CatchUp;

public sealed record CatchUpOptions
{
    public NodeMode Node { get; init; } = NodeMode.InProcess;
    public int Messages { get; init; } = 400;
    public int Conversations { get; init; } = 8;

    /// <summary>Sync page sizes to catch up with; the client library's default is 200, the server's maximum 1,000.</summary>
    public IReadOnlyList<int> PageSizes { get; init; } = [200, 1000];

    public int SendConcurrency { get; init; } = 16;
    public TimeSpan FanoutTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static CatchUpOptions Smoke { get; } = new();

    public static CatchUpOptions Full { get; } = new()
    {
        Node = NodeMode.Process,
        Messages = 10_000,
        Conversations = 100,
        SendConcurrency = 64,
        FanoutTimeout = TimeSpan.FromSeconds(300),
    };
}

/// <summary>One catch-up: how long and how many HTTP round trips a device took to have everything.</summary>
public sealed record CatchUpRun(int PageSize, double Seconds, int RoundTrips, int Pulls, long Messages, bool Complete, bool InOrder);

public sealed record CatchUpResult(CatchUpOptions Options, double SendSeconds, double FanoutWaitSeconds, IReadOnlyList<CatchUpRun> Runs);

/// <summary>
/// A device goes offline; messages arrive in many conversations; the device comes back and pulls from its
/// cursor with <see cref="SeqlineClient.SyncAsync"/> until it is up to date.
/// </summary>
public static class CatchUpScenario
{
    public static async Task<CatchUpResult> RunAsync(CatchUpOptions options, IBenchUi ui, string workDirectory)
    {
        var data = Path.Combine(workDirectory, "node");
        await using var node = await ui.PhaseAsync($"catch-up: start node ({options.Node})", 1, _ => Nodes.StartSqliteAsync(options.Node, data));
        using var http = Devices.SharedHandler();
        const string reader = "reader";
        var senders = Enumerable.Range(0, options.Conversations).Select(i => $"s{i:D4}").ToArray();
        var clients = senders.ToDictionary(s => s, s => Devices.Create(node.BaseAddress, s, http));
        var conversations = new string[options.Conversations];
        string cursor;
        try
        {
            // The reader's device connects once, so that it holds a cursor, then goes offline.
            await using (var device = Devices.Create(node.BaseAddress, reader, http))
            {
                await ui.PhaseAsync("catch-up: conversations", options.Conversations, async phase =>
                {
                    var done = 0;
                    await Devices.ForEachAsync(Enumerable.Range(0, options.Conversations), 16, async i =>
                        conversations[i] = (await clients[senders[i]].CreateConversationAsync([reader], kind: ConversationKinds.Direct)).ConversationId,
                        () => phase.Set(Interlocked.Increment(ref done)));
                });
                await device.ConnectAsync();
                cursor = device.Cursor ?? throw new InvalidOperationException("The reader's device has no cursor after connecting.");
            }

            var perConversation = options.Messages / options.Conversations;
            var total = perConversation * options.Conversations;
            var sendClock = Stopwatch.StartNew();
            await ui.PhaseAsync($"catch-up: {total:N0} messages while the device is offline", total, async phase =>
            {
                var done = 0;
                // Each conversation's messages go in order, conversations in parallel.
                await Devices.ForEachAsync(Enumerable.Range(0, options.Conversations), options.SendConcurrency, async i =>
                {
                    for (var m = 0; m < perConversation; m++)
                    {
                        await clients[senders[i]].SendAsync(conversations[i], $"message {m + 1} of {conversations[i]}", $"m{m}");
                        phase.Set(Interlocked.Increment(ref done));
                    }
                });
            });
            var sendSeconds = sendClock.Elapsed.TotalSeconds;

            // Fan-out follows the acknowledgements; wait until the reader's inbox index has every message.
            var waitClock = Stopwatch.StartNew();
            await using (var probe = Devices.Create(node.BaseAddress, reader, http))
            {
                await ui.PhaseAsync("catch-up: wait for fan-out", total, async phase =>
                {
                    while (true)
                    {
                        var delivered = (await probe.GetConversationsAsync()).Sum(c => c.LastSeq);
                        phase.Set(delivered);
                        if (delivered >= total) break;
                        if (waitClock.Elapsed > options.FanoutTimeout)
                            throw new TimeoutException($"The reader's inbox has {delivered} of {total} messages after {options.FanoutTimeout.TotalSeconds:0} s.");
                        await Task.Delay(100);
                    }
                });
            }
            var waitSeconds = waitClock.Elapsed.TotalSeconds;

            var runs = new List<CatchUpRun>();
            foreach (var pageSize in options.PageSizes)
            {
                var run = await ui.PhaseAsync($"catch-up: pull with page size {pageSize}", 1, _ => CatchUpAsync(node.BaseAddress, reader, cursor, pageSize, perConversation, conversations));
                runs.Add(run);
                ui.Info($"catch-up of {run.Messages:N0} messages with page size {pageSize}: {run.Seconds:0.000} s, {run.RoundTrips} round trips, " +
                        $"{(run.Complete && run.InOrder ? "complete and in order" : "INCOMPLETE OR OUT OF ORDER")}");
            }
            return new CatchUpResult(options, sendSeconds, waitSeconds, runs);
        }
        finally
        {
            foreach (var client in clients.Values) await client.DisposeAsync();
        }
    }

    private static async Task<CatchUpRun> CatchUpAsync(Uri node, string reader, string cursor, int pageSize, int perConversation, string[] conversations)
    {
        using var counting = new CountingHandler(Devices.SharedHandler());
        var checkpoints = new InMemoryCheckpointStore();
        await checkpoints.SaveAsync(cursor);
        await using var device = Devices.Create(node, reader, counting, pageSize, checkpoints);
        var seen = conversations.ToDictionary(c => c, _ => new List<long>());
        long messages = 0;
        device.MessageReceived += e =>
        {
            messages++;
            if (seen.TryGetValue(e.ConversationId, out var seqs)) seqs.Add(e.Seq);
            return Task.CompletedTask;
        };
        var clock = Stopwatch.StartNew();
        await device.SyncAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var complete = seen.Values.All(s => s.Count == perConversation) && messages == (long)perConversation * conversations.Length;
        var inOrder = seen.Values.All(s => s.SequenceEqual(Enumerable.Range(1, s.Count).Select(i => (long)i)));
        return new CatchUpRun(pageSize, seconds, counting.Requests, device.Pulls, messages, complete, inOrder);
    }

    public static void Report(CatchUpResult result, ReportWriter report)
    {
        var o = result.Options;
        var total = o.Messages / o.Conversations * o.Conversations;
        report.Heading("Catch-up");
        report.Paragraph(
            $"One device of a user connected (to get a cursor) and went offline; {total:N0} messages then arrived across {o.Conversations} conversations " +
            $"(sent in {result.SendSeconds:0.0} s; the fan-out into the user's inbox was complete {result.FanoutWaitSeconds:0.0} s later). " +
            "A new client with the saved cursor then called `SyncAsync` (HTTP pulls, no hub); round trips are the HTTP requests it made.");
        report.Table(["sync page size", "time", "round trips", "messages", "complete, contiguous and in order"],
            result.Runs.Select(r => (IReadOnlyList<string>)[
                r.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{r.Seconds:0.000} s", r.RoundTrips.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.Messages.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), r.Complete && r.InOrder ? "yes" : "NO"]));
    }

    /// <summary>Counts the HTTP requests that go through it.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
