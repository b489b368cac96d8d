using System.Diagnostics;
using System.Globalization;
using Seqline.Bench.Infrastructure;
using Seqline.Bench.Reporting;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Push;

namespace Seqline.Bench.Scenarios.LargeGroup;

/// <summary>
/// One read-fan-out group of <see cref="LargeGroupOptions.Members"/> on one node (SQLite, in this
/// process) or on a cluster of silo processes (<see cref="LargeGroupOptions.Silos"/>), with
/// <see cref="LargeGroupOptions.Online"/> of them with a device online. Counts the store writes of
/// connecting and disconnecting them, finds the largest grain-state row, and times each message
/// from the send call to its push on every online device, checking that each got each message
/// once. Devices are grain observers registered with the members' inboxes, as an edge node
/// registers its own (<see cref="ILargeGroupTarget"/> says through what); sends are grain calls.
/// </summary>
public static class LargeGroupScenario
{
    public const string Owner = "lg-owner";

    public static string Member(int index) => "lg-m" + index.ToString("D6", CultureInfo.InvariantCulture);

    public static async Task<LargeGroupResult> RunAsync(LargeGroupOptions options, IBenchUi ui, string workDirectory)
    {
        if (options.Members < 2 || options.Online < 1 || options.Online > options.Members - 1 || options.Messages < 1)
            throw new ArgumentException("The group needs 2 members or more, between 1 and all but the sender online, and 1 message or more.", nameof(options));
        var loadBefore = MachineInfo.LoadAverage();
        var extra = new Dictionary<string, string>
        {
            ["Seqline:Limits:MaxMembers"] = Math.Max(options.Members, new SeqlineLimits().MaxMembers).ToString(CultureInfo.InvariantCulture),
        };
        if (options.CheckpointInterval is { } interval) extra["Seqline:Sync:CheckpointInterval"] = interval.ToString("c", CultureInfo.InvariantCulture);
        await using ILargeGroupTarget target = options.Silos == 0
            ? await ui.PhaseAsync("large-group: start node (in process, SQLite)", 1, _ => NodeTarget.StartAsync(workDirectory, extra))
            : await LargeGroupCluster.StartAsync(options, extra, workDirectory, ui);
        var grains = target.Grains;
        var settle = target.CheckpointInterval + options.Quiet;
        var store = target.Store;
        var id = "lg-" + Guid.NewGuid().ToString("N")[..12];
        var conversation = grains.GetGrain<IConversationGrain>(id);
        var relay = grains.GetGrain<IConversationRelay>(id);

        var clock = Stopwatch.StartNew();
        var others = Enumerable.Range(0, options.Members - 1).Select(Member).ToList();
        var view = await ui.PhaseAsync($"large-group: create a group of {options.Members:N0}", 1,
            _ => conversation.Create(new NewConversation(Owner, others, "large group", ConversationKind.Group)));
        if (view.Fanout != FanoutMode.Read)
            throw new InvalidOperationException($"A group of {options.Members} is on {view.Fanout} fan-out; this scenario measures read fan-out (more than Seqline:Fanout:ReadFanoutAbove members).");
        var createSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        await ui.PhaseAsync("large-group: every member's inbox knows the group", options.Members, async phase =>
        {
            // An inbox writes the group into its index at its checkpoint after the join; then the store goes quiet.
            while (await store.IndexRowsOf(id) is var known && known < options.Members)
            {
                phase.Set(known);
                if (clock.Elapsed > options.JoinTimeout)
                    throw new TimeoutException($"{known:N0} of {options.Members:N0} inboxes know the group after {options.JoinTimeout.TotalSeconds:0} s.");
                await Task.Delay(500);
            }
            await Quiet(store, settle, ui, "the joins");
        });
        var joinSeconds = clock.Elapsed.TotalSeconds;

        var devices = new GroupDevices(options.Online, id, 1 + options.Messages);
        var observers = Enumerable.Range(0, options.Online).Select(d => grains.CreateObjectReference<IInboxObserver>(devices.Device(d))).ToArray();
        var connect = new Latency();
        var window = await store.StartCounting();
        clock.Restart();
        await ui.PhaseAsync($"large-group: {options.Online:N0} devices connect", options.Online, async phase =>
        {
            var done = 0;
            await Devices.ForEachAsync(Enumerable.Range(0, options.Online), options.ConnectConcurrency, async d =>
            {
                var start = Clock.Now;
                await grains.GetGrain<IInboxGrain>(Member(d)).Subscribe(observers[d]);
                connect.RecordSince(start);
            }, () => phase.Set(Interlocked.Increment(ref done)));
        });
        var connectSeconds = clock.Elapsed.TotalSeconds;
        await Quiet(store, settle, ui, "the connects");
        var connectWrites = await window.Count();
        var followersOnline = await relay.CountFollowers();

        var sends = new GroupSends(conversation, devices, options);
        var meters = target.SiloPids.Select(pid => new ProcessMeter(pid)).ToList();
        window = await store.StartCounting();
        var warmup = await ui.PhaseAsync("large-group: a warm-up message", options.Online, phase => sends.Send(0, phase));
        var runs = new List<MessageRun>();
        var push = new Latency();
        await ui.PhaseAsync($"large-group: {options.Messages} messages, one at a time", options.Messages, async phase =>
        {
            for (var m = 1; m <= options.Messages; m++)
            {
                var (run, latency) = await sends.Send(m, null);
                runs.Add(run);
                push.Add(latency);
                phase.Set(m);
            }
            await Task.Delay(options.Quiet); // copies arriving late are counted too
        });
        var duringSends = meters.Select(m => m.Stop()).ToList();
        await Quiet(store, settle, ui, "the messages");
        var sendWrites = await window.Count();
        var largest = await store.LargestGrainState();
        var largestRows = await store.LargestRows();

        window = await store.StartCounting();
        clock.Restart();
        await ui.PhaseAsync($"large-group: {options.Online:N0} devices disconnect", options.Online, async phase =>
        {
            var done = 0;
            await Devices.ForEachAsync(Enumerable.Range(0, options.Online), options.ConnectConcurrency,
                d => grains.GetGrain<IInboxGrain>(Member(d)).Unsubscribe(observers[d]), () => phase.Set(Interlocked.Increment(ref done)));
        });
        var disconnectSeconds = clock.Elapsed.TotalSeconds;
        await Quiet(store, settle, ui, "the disconnects");
        var disconnectWrites = await window.Count();
        foreach (var observer in observers) grains.DeleteObjectReference<IInboxObserver>(observer);

        return new LargeGroupResult
        {
            Options = options,
            LoadBefore = loadBefore,
            Target = target.Description,
            Counting = store.Counting,
            CreateSeconds = createSeconds,
            JoinSeconds = joinSeconds,
            ConnectSeconds = connectSeconds,
            Connect = connect.Summary(),
            ConnectWrites = connectWrites,
            FollowersOnline = followersOnline,
            Warmup = warmup.Run,
            Messages = runs,
            Push = push,
            SendWrites = sendWrites,
            DuringSends = duringSends,
            Duplicates = devices.Duplicates,
            Strays = devices.Strays,
            PullHints = devices.PullHints,
            LargestGrainState = largest,
            LargestRows = largestRows,
            DisconnectSeconds = disconnectSeconds,
            DisconnectWrites = disconnectWrites,
            FollowersAfter = await relay.CountFollowers(),
        };
    }

    // Nothing committed for longer than an inbox waits to checkpoint: what was under way is done.
    private static async Task Quiet(IGroupStore store, TimeSpan settle, IBenchUi ui, string after)
    {
        if (!await store.Quiet(settle, settle + TimeSpan.FromSeconds(120)))
            ui.Info($"WARNING: the store did not go quiet after {after}; the writes counted next include background work.");
    }
}
