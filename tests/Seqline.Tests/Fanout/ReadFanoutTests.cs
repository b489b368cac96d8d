using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Api.Push;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Storage.Rows;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Fanout;

public sealed class ReadFanoutTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private CountingTimelineStore? _conversations;
    private CountingTimelineStore? _inboxes;

    // Groups of three and more are on read fan-out.
    private static readonly Dictionary<string, string?> ReadFanoutAboveTwo = new()
    {
        ["Seqline:Fanout:ReadFanoutAbove"] = "2",
        ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "1",
    };

    private Task<SeqlineServer> StartNode(IDictionary<string, string?>? settings = null) => SeqlineServer.StartNode(_data.Path, services =>
    {
        CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Conversations, store => _conversations = store);
        CountingTimelineStore.CountSqlite(services, TimelineStoreNames.Inboxes, store => _inboxes = store);
    }, settings);

    // A create answers after a few seconds at most, while ten thousand inboxes may take longer to be told.
    private static Task EveryInboxTold(SeqlineServer server, string conversationId) =>
        Eventually.True(async () => (await server.Services.GetRequiredKeyedService<IRowStore>(RowStoreNames.Members).ReadAsync(conversationId))
            .All(r => MemberRow.From(r).Status == MemberStatus.Member), TimeSpan.FromSeconds(60), "every member's inbox to be told");

    // A node where groups of three and more are on read fan-out, with one such group whose inboxes know it.
    private async Task<(SeqlineServer, IGrainFactory, IConversationGrain, string Ann, string Bea, string Id)> NodeWithReadFanoutGroup()
    {
        var server = await StartNode(ReadFanoutAboveTwo);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var (ann, bea, id) = (Ids.User("ann"), Ids.User("bea"), Ids.Conversation());
        var conversation = grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bea, Ids.User("cid"), Ids.User("dan")], null, ConversationKind.Group))).Fanout);
        await EveryInboxTold(server, id);
        return (server, grains, conversation, ann, bea, id);
    }

    private static Task Subscribed(SeqlineServer server, IEnumerable<string> users) =>
        Eventually.True(() => Task.FromResult(users.All(server.Services.GetRequiredService<PushBridge>().ConnectedUsers.Contains)),
            TimeSpan.FromSeconds(30), "the node to subscribe to the users' inboxes");

    [Fact]
    public async Task A_send_to_a_ten_thousand_member_group_stores_the_message_once_and_still_reaches_everyone()
    {
        await using var server = await StartNode();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var members = Enumerable.Range(0, 10_000).Select(i => $"m{i:00000}").ToArray();
        var id = Ids.Conversation();
        var view = await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(members[0], members, "everyone", ConversationKind.Group));
        Assert.Equal(FanoutMode.Read, view.Fanout);

        var online = new List<ClientDevice>();
        foreach (var member in members.Take(50)) online.Add(await ClientDevice.Connect(server, await server.Token(member)));
        var offline = new List<TestDevice>();
        foreach (var member in members.Skip(50).Take(50)) offline.Add(await new TestDevice(grains, member).Connect());
        await Subscribed(server, members.Take(50));
        await EveryInboxTold(server, id);
        var (conversationRows, inboxRows) = (_conversations!.RowsWritten, _inboxes!.RowsWritten);
        var senderRows = members[1..4].Select(_inboxes.RowsWrittenTo).ToList();
        var pushes = online.Select(d => d.Client.PushesApplied).ToList();

        for (var i = 1; i <= 3; i++)
        {
            var receipt = await grains.GetGrain<IConversationGrain>(id).Send(new OutgoingMessage(members[i], $"c{i}", $"hello all {i}"));
            Assert.Equal(i, receipt.Seq);
        }

        foreach (var device in online)
        {
            await Eventually.True(() => Task.FromResult(device.MessageSeqs(id).Count >= 3), TimeSpan.FromSeconds(30), "every online member's push");
            Assert.Equal([1L, 2L, 3L], device.MessageSeqs(id));
        }
        Assert.All(online.Zip(pushes), p => Assert.True(p.First.Client.PushesApplied > p.Second));

        var expected = offline[0];
        foreach (var device in offline)
        {
            await device.PullAll(limit: 2);
            Assert.Equal([1L, 2L, 3L], device.MessageSeqs(id));
            Assert.Equal(expected.Events.Where(e => e.Type == "message"), device.Events.Where(e => e.Type == "message"));
        }

        // One timeline entry per send, and nothing copied into ten thousand inboxes: the only inbox
        // rows are each sender's read marker in their own inbox (their message is not unread to them).
        Assert.Equal(3, _conversations.RowsWritten - conversationRows);
        Assert.Equal(3, _inboxes.RowsWritten - inboxRows);
        Assert.Equal([1L, 1L, 1L], members[1..4].Select((m, i) => _inboxes.RowsWrittenTo(m) - senderRows[i]));
        foreach (var device in online) await device.DisposeAsync();
    }

    [Fact]
    public async Task Growing_past_the_threshold_and_shrinking_back_loses_and_doubles_nothing_on_any_device()
    {
        await using var server = await StartNode();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var users = Enumerable.Range(0, 300).Select(i => $"u{i:000}").ToArray();
        var id = Ids.Conversation();
        var conversation = grains.GetGrain<IConversationGrain>(id);
        await conversation.Create(new NewConversation(users[0], users.Take(150).ToArray(), null, ConversationKind.Group));

        var online = new[] { await ClientDevice.Connect(server, await server.Token(users[0])), await ClientDevice.Connect(server, await server.Token(users[1])) };
        var offline = new[] { await new TestDevice(grains, users[2]).Connect(), await new TestDevice(grains, users[3]).Connect() };
        var nibbler = await new TestDevice(grains, users[4]).Connect();
        // One device of a user from each batch that joins, there before they join.
        var joiners = new[] { await new TestDevice(grains, users[150]).Connect(), await new TestDevice(grains, users[200]).Connect(), await new TestDevice(grains, users[250]).Connect() };
        var seq = 0L;
        var modes = new List<FanoutMode>();

        async Task SendSome()
        {
            for (var i = 0; i < 5; i++)
                Assert.Equal(++seq, (await conversation.Send(new OutgoingMessage(users[(int)(seq % 5)], $"m{seq}", $"message {seq}"))).Seq);
            modes.Add((await conversation.Get(users[0])).Fanout);
            // A device in the middle of it all pulls a little at a time.
            await nibbler.PullAll(limit: 3);
        }

        await SendSome();
        await conversation.ChangeMembers(new MembershipChange(users[0], users[150..200], []));
        await SendSome();
        await conversation.ChangeMembers(new MembershipChange(users[0], users[200..250], []));
        await SendSome();
        await conversation.ChangeMembers(new MembershipChange(users[0], users[250..300], []));
        await SendSome();
        await conversation.ChangeMembers(new MembershipChange(users[0], [], users[200..300]));
        await SendSome();
        await conversation.ChangeMembers(new MembershipChange(users[0], [], users[150..200]));
        await SendSome();

        Assert.Equal([FanoutMode.Write, FanoutMode.Write, FanoutMode.Read, FanoutMode.Read, FanoutMode.Read, FanoutMode.Write], modes);
        var all = Enumerable.Range(1, 30).Select(i => (long)i).ToList();
        foreach (var device in online)
        {
            await Eventually.True(async () =>
            {
                if (device.MessageSeqs(id).Count < 30) await device.Client.SyncAsync();
                return device.MessageSeqs(id).Count >= 30;
            }, TimeSpan.FromSeconds(30), $"online devices to have every message (has {string.Join(",", device.MessageSeqs(id))}; events {string.Join(" ", device.Events.Select(e => e.Type + ":" + e.Seq))})");
            Assert.Equal(all, device.MessageSeqs(id));
        }
        foreach (var device in offline.Append(nibbler))
        {
            await Eventually.True(async () => { await device.PullAll(limit: 7); return device.MessageSeqs(id).Count >= 30; },
                TimeSpan.FromSeconds(30), $"offline devices to catch up (has {string.Join(",", device.MessageSeqs(id))}; events {string.Join(" ", device.Events.Select(e => e.Type + ":" + e.Seq))})");
            Assert.Equal(all, device.MessageSeqs(id));
            Assert.Equal(Enumerable.Range(1, 30).Select(i => $"message {i}"), device.Events.Where(e => e.Type == "message").Select(e => e.Body));
        }

        // Those who joined later get what was sent while they were members, from their join to
        // their removal: u150 through both switches, u200 and u250 joined and left in read fan-out.
        foreach (var (device, (from, through)) in joiners.Zip(new[] { (6, 25), (11, 20), (16, 20) }))
        {
            await EveryInboxTold(server, id);
            await device.PullAll(limit: 7);
            Assert.Equal(Enumerable.Range(from, through - from + 1).Select(i => (long)i), device.MessageSeqs(id));
            Assert.Equal([SyncEventTypes.Joined, SyncEventTypes.Left], device.Events.Where(e => e.Type is SyncEventTypes.Joined or SyncEventTypes.Left).Select(e => e.Type));
            Assert.Equal(SyncEventTypes.Left, device.Events[^1].Type);
        }
        foreach (var device in online) await device.DisposeAsync();
    }

    [Fact]
    public async Task A_member_removed_from_a_read_fan_out_group_still_gets_what_was_sent_while_they_were_one()
    {
        await using var server = await StartNode(ReadFanoutAboveTwo);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var (ann, bea, cid, dan, id) = (Ids.User("ann"), Ids.User("bea"), Ids.User("cid"), Ids.User("dan"), Ids.Conversation());
        var conversation = grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bea, cid, dan], null, ConversationKind.Group))).Fanout);
        await EveryInboxTold(server, id);
        var dansPhone = await new TestDevice(grains, dan).Connect();

        for (var i = 1; i <= 3; i++) await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"before {i}"));
        await conversation.ChangeMembers(new MembershipChange(ann, [], [dan]));
        for (var i = 4; i <= 5; i++) await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"after {i}"));
        await EveryInboxTold(server, id);
        Assert.Equal(FanoutMode.Read, (await conversation.Get(ann)).Fanout);

        // Offline through it all, the phone pulls a little at a time and stops at the removal.
        await dansPhone.PullAll(limit: 2);
        Assert.Equal([1L, 2L, 3L], dansPhone.MessageSeqs(id));
        Assert.Equal((SyncEventTypes.Left, 3L), (dansPhone.Events[^1].Type, dansPhone.Events[^1].Seq));
        Assert.Empty(await dansPhone.PullAll());
        Assert.DoesNotContain(await grains.GetGrain<IInboxGrain>(dan).GetConversations(), c => c.ConversationId == id);
    }

    [Fact]
    public async Task Connecting_and_disconnecting_a_hundred_times_leaves_no_stream_subscription()
    {
        await using var server = await StartNode(ReadFanoutAboveTwo);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var id = Ids.Conversation();
        var view = await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation("ann", ["bea", "cid", "dan"], null, ConversationKind.Group));
        Assert.Equal(FanoutMode.Read, view.Fanout);
        var inbox = grains.GetGrain<Seqline.Inboxes.IInboxGrain>("bea");
        var token = await server.Token("bea");
        var bridge = server.Services.GetRequiredService<PushBridge>();

        for (var cycle = 0; cycle < 100; cycle++)
        {
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(server.BaseAddress, "hubs/sync"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            await hub.StartAsync();
            await Eventually.True(() => Task.FromResult(bridge.ConnectedUsers.Contains("bea")), TimeSpan.FromSeconds(60), "the subscription");
            if (cycle % 25 == 0) Assert.Equal(1, await inbox.CountLiveFollows());
            await hub.StopAsync();
            await Eventually.True(() => Task.FromResult(!bridge.ConnectedUsers.Contains("bea")), TimeSpan.FromSeconds(60), "the disconnect");
        }

        await Eventually.True(async () => await inbox.CountLiveFollows() == 0, TimeSpan.FromSeconds(60), "no subscription left");
    }

    [Fact]
    public async Task An_inbox_collected_while_its_user_is_online_follows_the_streams_again_and_keeps_pushing()
    {
        var (server, grains, conversation, ann, bea, id) = await NodeWithReadFanoutGroup();
        await using var node = server;
        await using var phone = await ClientDevice.Connect(server, await server.Token(bea));
        await Subscribed(server, [bea]);
        var inbox = grains.GetGrain<IInboxGrain>(bea);

        await conversation.Send(new OutgoingMessage(ann, "a1", "before"));
        await Eventually.True(() => Task.FromResult(phone.MessageSeqs(id).Count == 1), TimeSpan.FromSeconds(60), "the first push");

        // Every idle activation goes, bea's inbox with its follow and observer list.
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        // The edge renews its registration (every 5 s here); the new activation follows the stream again, once.
        await Eventually.True(async () => await inbox.CountObservers() == 1 && await inbox.CountLiveFollows() == 1,
            TimeSpan.FromSeconds(30), "the edge to register again");
        var pushes = phone.Client.PushesApplied;
        await conversation.Send(new OutgoingMessage(ann, "a2", "after"));
        await Eventually.True(() => Task.FromResult(phone.MessageSeqs(id).Count == 2), TimeSpan.FromSeconds(60), "the push after the collection");
        Assert.Equal([1L, 2L], phone.MessageSeqs(id));
        Assert.True(phone.Client.PushesApplied > pushes);
        Assert.Equal(1, await inbox.CountLiveFollows());

        await phone.DisposeAsync();
        await Eventually.True(async () => await inbox.CountLiveFollows() == 0, TimeSpan.FromSeconds(60), "no subscription left");
    }

    [Fact]
    public async Task A_reset_shows_read_fan_out_conversations_exactly_as_far_as_its_cursor_reads_them()
    {
        var (server, grains, conversation, ann, bea, id) = await NodeWithReadFanoutGroup();
        await using var node = server;
        for (var i = 1; i <= 2; i++) await conversation.Send(new OutgoingMessage(ann, $"a{i}", $"before {i}"));

        // A message lands while the reset is being put together: just after the cursor's position is read.
        var sent = 0;
        _conversations!.AfterHead = async timeline =>
        {
            if (timeline == id && Interlocked.Exchange(ref sent, 1) == 0) await conversation.Send(new OutgoingMessage(ann, "a3", "meanwhile"));
        };
        var reset = await grains.GetGrain<IInboxGrain>(bea).Sync(null, 100);
        _conversations.AfterHead = null;
        Assert.Equal(1, sent);

        // The row stops where the cursor does, so the message comes once: by sync, after the cursor.
        var row = reset.Conversations!.Single(c => c.ConversationId == id);
        Assert.Equal((2L, 2L), (row.LastSeq, row.LastMessage!.Seq));
        var device = new TestDevice(grains, bea, reset.Cursor);
        await device.PullAll();
        Assert.Equal([3L], device.MessageSeqs(id));
    }

    [Fact]
    public async Task In_read_fan_out_a_senders_own_messages_are_read_on_all_their_devices()
    {
        await using var server = await StartNode(ReadFanoutAboveTwo);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var (ann, bea, cid, id) = (Ids.User("ann"), Ids.User("bea"), Ids.User("cid"), Ids.Conversation());
        var conversation = grains.GetGrain<IConversationGrain>(id);
        var view = await conversation.Create(new NewConversation(ann, [bea, cid], null, ConversationKind.Group));
        Assert.Equal(FanoutMode.Read, view.Fanout);
        var annsTablet = await new TestDevice(grains, ann).Connect();

        await conversation.Send(new OutgoingMessage(bea, "b1", "from bea"));
        await conversation.Send(new OutgoingMessage(ann, "a1", "from ann"));
        await conversation.Send(new OutgoingMessage(ann, "a2", "ann again"));

        async Task<ConversationSummary> Row(string user) =>
            (await grains.GetGrain<IInboxGrain>(user).GetConversations()).Single();
        await Eventually.True(async () => (await Row(ann)).ReadSeq == 3, TimeSpan.FromSeconds(60), "ann's read position to follow her messages");
        Assert.Equal((3L, 3L, 0L), ((await Row(ann)).LastSeq, (await Row(ann)).ReadSeq, (await Row(ann)).Unread));
        Assert.Equal((3L, 1L, 2L), ((await Row(bea)).LastSeq, (await Row(bea)).ReadSeq, (await Row(bea)).Unread));
        Assert.Equal((3L, 0L, 3L), ((await Row(cid)).LastSeq, (await Row(cid)).ReadSeq, (await Row(cid)).Unread));

        // Ann's tablet learns it as read events, after the messages themselves.
        await annsTablet.PullAll();
        Assert.Equal([1L, 2L, 3L], annsTablet.MessageSeqs(id));
        var lastRead = annsTablet.Events.Last(e => e.Type == SyncEventTypes.Read);
        Assert.Equal((id, 3L), (lastRead.ConversationId, lastRead.Seq));
    }

    public void Dispose() => _data.Dispose();
}
