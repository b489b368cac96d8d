using Seqline.Client;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.ClientLibrary;

/// <summary>How the client library fills an open conversation after a reset, page by page, around what the user removed.</summary>
public sealed class ResetPagingTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_reset_pages_an_open_conversation_past_what_the_user_cleared_or_hid()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path);
        var bobToken = await server.Token("bob");
        await using var alice = await ClientDevice.Connect(server, await server.Token("alice"));
        await using var phone = await ClientDevice.Connect(server, bobToken);
        var id = (await alice.Client.CreateConversationAsync(["bob"])).ConversationId;
        for (var i = 1; i <= 6; i++) await alice.Client.SendAsync(id, $"m{i}");
        await Eventually.True(() => Task.FromResult(phone.MessageSeqs(id).Count == 6), TimeSpan.FromSeconds(60), "bob's six messages");
        await phone.Client.ClearAsync(id, 1);
        await phone.Client.HideAsync(id, 3);
        await phone.Client.HideAsync(id, 4);

        // A new device of bob has no cursor, so its first sync is a reset. With two messages a page, the page
        // after 2 holds only hidden messages and comes back empty: paging must go on past it.
        await using var laptop = new SeqlineClient(new SeqlineClientOptions
        {
            BaseAddress = server.BaseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult(bobToken),
            SyncPageSize = 2,
        });
        var delivered = new List<long>();
        laptop.MessageReceived += e =>
        {
            delivered.Add(e.Seq);
            return Task.CompletedTask;
        };
        laptop.OpenConversation(id);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await laptop.SyncAsync(bounded.Token);

        Assert.Equal([2L, 5L, 6L], delivered);
        Assert.Equal(6, laptop.OpenConversations[id]);
    }

    public void Dispose() => _data.Dispose();
}
