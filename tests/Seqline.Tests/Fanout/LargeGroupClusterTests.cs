using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Tests.Fixtures;
using Xunit.Abstractions;

namespace Seqline.Tests.Fanout;

/// <summary>
/// A read-fan-out group of a few hundred on three silos over Azure Storage (Azurite), with many of
/// its members online through observers on every silo, as edge nodes register theirs: every
/// online device gets each message exactly once, the relay holds exactly the online members while
/// they are online, and nothing is left once they disconnect. (The 100,000-member figures are the
/// bench's: bench/Scenarios/LargeGroup; this checks the same on a cluster.)
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LargeGroupClusterTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    // Twice the read fan-out threshold. The joins are most of the test's time, about 35 ms a
    // member on Azurite: with 2,000 members the online ones knew the group 35–73 s after it was
    // created on a busy 2-core machine, the largest share of the suite's time for no other check.
    // (The bench's smoke test runs a group on three silo processes too, and the bench 10,000
    // members online on three silos: docs/benchmarks.md.)
    private const int Members = 400;
    private const int Online = 150;
    private const int Messages = 5;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan JoinsWithin = TimeSpan.FromSeconds(180);

    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = AzureTestCluster.Builder(3, azurite).Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Every_online_device_on_any_silo_gets_each_message_once_and_the_relay_holds_exactly_who_is_online()
    {
        var (owner, id) = (Ids.User("own"), Ids.Conversation());
        var members = Enumerable.Range(0, Members - 1).Select(i => Ids.User($"m{i}")).ToList();
        var conversation = _cluster.GrainFactory.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(owner, members, null, ConversationKind.Group))).Fanout);

        // The online members' devices, spread over the three silos: each silo's own grain factory
        // registers the observer and calls the inbox, as the edge co-hosted there does.
        var silos = _cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<IGrainFactory>()).ToList();
        Assert.Equal(3, silos.Count);
        var online = members.Take(Online).Select((user, i) => new Device(user, silos[i % silos.Count])).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var device in online) await Eventually.True(() => device.Knows(id), JoinsWithin - clock.Elapsed, $"{device.User}'s join");
        output.WriteLine($"the online members' inboxes knew the group {clock.Elapsed.TotalSeconds:0.0} s after it was created");
        foreach (var device in online) await device.Connect();
        var relay = _cluster.GrainFactory.GetGrain<IConversationRelay>(id);
        Assert.Equal(Online, await relay.CountFollowers());

        for (var i = 1; i <= Messages; i++) await conversation.Send(new OutgoingMessage(owner, $"c{i}", $"to {Members} members, {i}"));

        foreach (var device in online)
            await Eventually.True(() => device.Pushes.MessageSeqs(id).Count >= Messages, Within, $"{device.User}'s pushes");
        output.WriteLine($"{Online} devices connected and got {Messages} messages {clock.Elapsed.TotalSeconds:0.0} s after it was created");
        // Each once (one-way pushes may overtake each other; an edge node puts them back in order).
        Assert.All(online, d => Assert.Equal(Enumerable.Range(1, Messages).Select(s => (long)s), d.Pushes.MessageSeqs(id).Order()));

        foreach (var device in online) await device.Disconnect();
        Assert.Equal(0, await relay.CountFollowers());
        foreach (var device in online) Assert.Equal(0, await device.Inbox.CountLiveFollows());
        // Nobody who left is pushed what comes next: a member connecting now gets it, and only they do.
        var witness = new Device(members[Online], silos[0]);
        await Eventually.True(() => witness.Knows(id), Within, "the witness's join");
        await witness.Connect();
        await conversation.Send(new OutgoingMessage(owner, "after", "after everyone left"));
        await Eventually.True(() => witness.Pushes.MessageSeqs(id).Count == 1, Within, "the witness's push");
        Assert.Equal([Messages + 1L], witness.Pushes.MessageSeqs(id));
        Assert.All(online, d => Assert.Equal(Messages, d.Pushes.MessageSeqs(id).Count));
        await witness.Disconnect();
        Assert.Equal(0, await relay.CountFollowers());
    }

    // A member's device, registered through one silo's grain factory.
    private sealed class Device(string user, IGrainFactory silo)
    {
        private IInboxObserver? _observer;

        public string User => user;
        public InboxPushRecorder Pushes { get; } = new();
        public IInboxGrain Inbox => silo.GetGrain<IInboxGrain>(user);

        /// <summary>Whether the inbox knows the group yet; a call that times out while the joins load the store asks again.</summary>
        public async Task<bool> Knows(string conversationId)
        {
            try
            {
                return (await Inbox.GetConversations()).Any(c => c.ConversationId == conversationId);
            }
            catch (Exception error) when (error is TimeoutException or OperationCanceledException)
            {
                return false;
            }
        }

        public Task Connect() => Inbox.Subscribe(_observer = silo.CreateObjectReference<IInboxObserver>(Pushes));

        public async Task Disconnect()
        {
            await Inbox.Unsubscribe(_observer!);
            silo.DeleteObjectReference<IInboxObserver>(_observer!);
        }
    }
}
