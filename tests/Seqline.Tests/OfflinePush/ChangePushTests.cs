using System.Net;
using System.Net.Http.Json;
using Seqline.Tests.Fixtures;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.OfflinePush;

/// <summary>Edits and reactions reach an offline member's sync timeline but call for no offline push.</summary>
public sealed class ChangePushTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task An_offline_member_is_pushed_the_messages_but_not_their_edits_or_reactions()
    {
        await using var receiver = await WebhookReceiver.Start();
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: receiver.Settings());
        using var alice = await SignIn(server, "alice");
        using var cat = await SignIn(server, "cat");
        var id = await alice.CreateGroup("bob", "cat");

        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "helo")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.PutAsJsonAsync($"api/conversations/{id}/messages/1", new { body = "hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cat.Http.PutAsync($"api/conversations/{id}/messages/1/reactions/{Uri.EscapeDataString("👍")}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "later")).StatusCode);

        // The inbox hands notices over in order: the fourth seq's push proves the changes were left out.
        await Eventually.True(() => receiver.BatchesOf("bob").SelectMany(b => b).Contains(4), Patience, "bob's push of the later message");
        Assert.Equal([1L, 4L], receiver.BatchesOf("bob").SelectMany(b => b));
    }

    public void Dispose() => _data.Dispose();
}
