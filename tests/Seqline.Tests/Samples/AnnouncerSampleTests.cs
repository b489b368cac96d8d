using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Seqline.Samples.Announcer;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Samples;

/// <summary>
/// samples/Announcer, another .NET service, joins a running node as an Orleans client through its
/// gateway, posts an announcement through the grain interfaces, and the users get it as any message.
/// </summary>
public sealed class AnnouncerSampleTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task The_announcer_joins_through_the_gateway_and_its_announcement_reaches_the_users()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        using var alice = await SignIn(server, Ids.User("alice"));
        var bob = Ids.User("bob");
        using var host = AnnouncerHost.Build([$"--Seqline:Cluster:GatewayPort={server.GatewayPort}"]);
        await host.StartAsync();
        try
        {
            var announcer = host.Services.GetRequiredService<Announcer>();

            var announcement = await announcer.AnnounceAsync("ops-bot", [alice.Id, bob], "Maintenance", "maintenance-1", "Down at 22:00");
            var retried = await announcer.PostAsync("ops-bot", announcement.ConversationId, "maintenance-1", "Down at 22:00");

            Assert.Equal((1L, false), (announcement.Receipt.Seq, announcement.Receipt.Duplicate));
            Assert.Equal((1L, true), (retried.Seq, retried.Duplicate));
            Assert.Equal(["Down at 22:00"], (await announcer.LatestAsync("ops-bot", announcement.ConversationId, 10)).Select(m => m.Body));
            // Alice reads it over HTTP like any message, and her inbox counts it unread.
            Assert.Equal([1L], await alice.HistorySeqs(announcement.ConversationId));
            var row = Assert.Single(await announcer.ConversationsOfAsync(alice.Id), c => c.ConversationId == announcement.ConversationId);
            Assert.Equal(1, row.Unread);
            // The grains refuse a service as they refuse an app: nobody outside the group reads it.
            var refused = await Assert.ThrowsAsync<SeqlineException>(() => announcer.LatestAsync(Ids.User("mallory"), announcement.ConversationId, 10));
            Assert.Equal(ErrorCode.Forbidden, refused.Code);
            Assert.Equal(HttpStatusCode.NotFound, (await (await SignIn(server, Ids.User("mallory"))).Http.GetAsync($"api/conversations/{announcement.ConversationId}/messages")).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public void Dispose() => _data.Dispose();
}
