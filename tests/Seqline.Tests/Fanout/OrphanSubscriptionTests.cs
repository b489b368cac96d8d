using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Seqline.Conversations;
using Seqline.Hosting;
using Seqline.Inboxes;
using Seqline.Push;
using Seqline.Storage.Sqlite;
using Seqline.Tests.Fixtures;
using Seqline.Tests.Simulation;

namespace Seqline.Tests.Fanout;

/// <summary>
/// A stream subscription an inbox could not end (it left the conversation, then failed to
/// unsubscribe, or crashed in between) does not stay in pub-sub: the next item that reaches the
/// inbox for a conversation it no longer follows ends it.
/// </summary>
public sealed class OrphanSubscriptionTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_subscription_left_behind_by_a_removed_member_is_removed_by_the_next_item_that_reaches_it()
    {
        var settings = new Dictionary<string, string?> { ["Seqline:Fanout:ReadFanoutAbove"] = "3", ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "2" };
        await using var node = await new EmbeddedNode(_data.Path, s => s.AddFaultInjection(), settings).Start();
        var (ann, bob, cid, dan, eve, id) = (Ids.User("ann"), Ids.User("bob"), Ids.User("cid"), Ids.User("dan"), Ids.User("eve"), Ids.Conversation());
        var conversation = node.Grains.GetGrain<IConversationGrain>(id);
        Assert.Equal(FanoutMode.Read, (await conversation.Create(new NewConversation(ann, [bob, cid, dan, eve], null, ConversationKind.Group))).Fanout);
        await Eventually.True(async () => (await node.Grains.GetGrain<IInboxGrain>(dan).GetConversations()).Count == 1, TimeSpan.FromSeconds(30), "dan's join");
        var dans = node.Grains.GetGrain<IInboxGrain>(dan);
        await dans.Subscribe(node.Grains.CreateObjectReference<IInboxObserver>(new InboxPushRecorder()));
        Assert.True(await IsSubscribed(node, id, dan));

        // Dan is removed while pub-sub cannot store anything: his inbox learns he left, but the end
        // of its subscription is lost with the pub-sub grain (as it would be if its silo crashed first).
        var pubsubSites = new[] { "pubsub.write", "pubsub.clear", "state.write", "state.clear" };
        foreach (var site in pubsubSites) FaultPlan.FailWhere(site, key => key.EndsWith("/" + id, StringComparison.Ordinal), FaultKind.Before);
        await conversation.ChangeMembers(new MembershipChange(ann, [], [dan]));
        await Eventually.True(async () => (await dans.GetConversations()).Count == 0, TimeSpan.FromSeconds(30), "dan's inbox to learn he left");
        await dans.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => await Active(node, dans.GetGrainId()) == false, TimeSpan.FromSeconds(30), "dan's inbox to go");
        var rendezvous = node.Grains.GetGrain(GrainId.Create("pubsubrendezvous", $"{FanoutOptionsStream}/{id}"));
        await rendezvous.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => await Active(node, rendezvous.GetGrainId()) == false, TimeSpan.FromSeconds(30), "the pub-sub grain to go");
        foreach (var site in pubsubSites) FaultPlan.ClearWhere(site);
        Assert.True(await IsSubscribed(node, id, dan), "the subscription was left behind");

        // The next message on the stream reaches dan's inbox, which no longer follows it: it ends it.
        await conversation.Send(new OutgoingMessage(ann, "a1", "is anyone there"));
        await Eventually.True(async () => !await IsSubscribed(node, id, dan), TimeSpan.FromSeconds(30), "the subscription to end");
        Assert.Equal(0, await dans.CountStreamSubscriptions());
    }

    private static readonly string FanoutOptionsStream = $"{new FanoutOptions().StreamProvider}/{FanoutOptions.StreamNamespace}";

    private static async Task<bool> Active(EmbeddedNode node, GrainId grain) =>
        (await node.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Any(s => s.GrainId == grain);

    // Whether the conversation's stream lists the user's inbox as a consumer, as pub-sub stores it.
    private static async Task<bool> IsSubscribed(EmbeddedNode node, string conversationId, string userId)
    {
        await using var connection = node.Services.GetRequiredService<SqliteDatabase>().OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM grain_state WHERE grain_id LIKE $stream";
        command.Parameters.AddWithValue("$stream", $"%{conversationId}%");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            if (System.Text.Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(0)).Contains($"\"Consumer\":{{\"Type\":\"inbox\",\"Key\":\"{userId}\"}}")) return true;
        return false;
    }

    public void Dispose() => _data.Dispose();
}
