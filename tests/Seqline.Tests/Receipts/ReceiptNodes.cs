using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Receipts;

/// <summary>
/// A full node on SQLite and an edge-only node beside it. Receipts go in groups of up to
/// <see cref="MaxGroupSize"/> members; above <see cref="ReadFanoutAbove"/> a group is in read fan-out;
/// a conversation sends at most one notice per <see cref="Interval"/>.
/// </summary>
public sealed class ReceiptNodes : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public SeqlineServer Node { get; private set; } = null!;
    public SeqlineServer Edge { get; private set; } = null!;
    public IGrainFactory Grains => Node.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Waits until the user's inbox has the conversation's messages up to <paramref name="seq"/>: fan-out runs after the send answers.</summary>
    public Task InInbox(string userId, string conversationId, long seq) =>
        Eventually.True(async () => (await Grains.GetGrain<Seqline.Inboxes.IInboxGrain>(userId).GetConversations()).Any(c => c.ConversationId == conversationId && c.LastSeq >= seq),
            TimeSpan.FromSeconds(60), $"message {seq} of {conversationId} in the inbox of {userId}");
    public int MaxGroupSize => 3;
    public int ReadFanoutAbove => 4;
    public TimeSpan Interval => TimeSpan.FromSeconds(3);

    /// <summary>Decides which pushes the edge node sends; all of them unless a test says otherwise.</summary>
    public PushFilter EdgePushes { get; } = new();

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seqline:Receipts:MaxGroupSize"] = MaxGroupSize.ToString(),
            ["Seqline:Receipts:Interval"] = Interval.ToString(),
            ["Seqline:Fanout:ReadFanoutAbove"] = ReadFanoutAbove.ToString(),
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = (ReadFanoutAbove - 1).ToString(),
        };
        Node = await SeqlineServer.StartNode(_data.Path, settings: settings);
        Edge = await SeqlineServer.StartEdge(Node.GatewayPort, s => s.AddSingleton<Seqline.Api.Push.IPushInterceptor>(EdgePushes), settings);
    }

    public async Task DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>Drops the pushes <see cref="Drop"/> picks, as a node's push interceptor.</summary>
public sealed class PushFilter : Seqline.Api.Push.IPushInterceptor
{
    public Func<Seqline.Push.InboxPush, bool>? Drop { get; set; }

    public bool ShouldDeliver(Seqline.Push.InboxPush push) => Drop?.Invoke(push) is not true;
}

/// <summary>A hub connection that keeps the receipts notices it gets, once its push registration is in place.</summary>
public sealed class ReceiptDevice : IAsyncDisposable
{
    public sealed record Receipt(string UserId, long? Read, long Delivered);
    public sealed record Notice(string ConversationId, List<Receipt> Members);

    private readonly HubConnection _hub;
    private readonly Channel<Notice> _notices;
    private readonly System.Collections.Concurrent.ConcurrentQueue<List<string>> _messages;
    private readonly System.Collections.Concurrent.ConcurrentQueue<List<string>> _riding;
    private System.Collections.Concurrent.ConcurrentQueue<JsonElement> _pushed = null!;

    private ReceiptDevice(HubConnection hub, Channel<Notice> notices, System.Collections.Concurrent.ConcurrentQueue<List<string>> messages,
        System.Collections.Concurrent.ConcurrentQueue<List<string>> riding) =>
        (_hub, _notices, _messages, _riding) = (hub, notices, messages, riding);

    /// <summary>Each hub message of receipts this device got, as the conversations it carried: one for <c>receipts</c>, several for <c>receiptsMany</c>.</summary>
    public IReadOnlyList<List<string>> NoticeMessages => _messages.ToList();

    /// <summary>Each push (<c>events</c>) that carried receipts along, as the conversations it carried.</summary>
    public IReadOnlyList<List<string>> RidingNotices => _riding.ToList();

    /// <summary>The inbox's head when the device connected: the cursor of the first <c>events</c> message.</summary>
    public string Head { get; private init; } = null!;

    public static async Task<ReceiptDevice> Connect(SeqlineServer server, string userId)
    {
        var notices = Channel.CreateUnbounded<Notice>();
        var (messages, riding) = (new System.Collections.Concurrent.ConcurrentQueue<List<string>>(), new System.Collections.Concurrent.ConcurrentQueue<List<string>>());
        System.Collections.Concurrent.ConcurrentQueue<JsonElement>? pushed = null;
        string? head = null;
        // A batch's notices are taken one by one, as a single notice is, wherever they came with.
        void Got(System.Collections.Concurrent.ConcurrentQueue<List<string>> by, params Notice[] batch)
        {
            by.Enqueue([.. batch.Select(n => n.ConversationId)]);
            foreach (var n in batch) notices.Writer.TryWrite(n);
        }
        var hub = await TestHub.ConnectRegistered(server, userId, h =>
        {
            h.On<Notice>("receipts", n => Got(messages, n));
            h.On<Notice[]>("receiptsMany", batch => Got(messages, batch));
            pushed = TestHub.RecordEvents(h);
            h.On<JsonElement>("events", push =>
            {
                Interlocked.CompareExchange(ref head, push.GetProperty("cursor").GetString(), null);
                if (push.TryGetProperty("receipts", out var carried)) Got(riding, carried.Deserialize<Notice[]>(JsonSerializerOptions.Web)!);
            });
        });
        await Eventually.True(() => Volatile.Read(ref head) is not null, TimeSpan.FromSeconds(60), "the head cursor the hub sends on connecting");
        return new ReceiptDevice(hub, notices, messages, riding) { _pushed = pushed!, Head = head! };
    }

    /// <summary>Waits until the conversation's message <paramref name="seq"/> has reached this device by push.</summary>
    public Task Pushed(string conversationId, long seq) =>
        Eventually.True(() => _pushed.Any(e => e.GetProperty("type").GetString() == "message"
            && e.GetProperty("conversationId").GetString() == conversationId && e.GetProperty("seq").GetInt64() >= seq),
            TimeSpan.FromSeconds(60), $"message {seq} of {conversationId} pushed");

    /// <summary>The message event <paramref name="seq"/> of the conversation as it was pushed to this device, once it was.</summary>
    public async Task<JsonElement> PushedMessage(string conversationId, long seq)
    {
        await Pushed(conversationId, seq);
        return _pushed.First(e => e.GetProperty("type").GetString() == "message" && e.GetProperty("conversationId").GetString() == conversationId && e.GetProperty("seq").GetInt64() == seq);
    }

    public Task Delivered(string conversationId, long seq) => _hub.InvokeAsync("Delivered", conversationId, seq);

    /// <summary>A batched acknowledgement, as devices send it (entries as given, bad ones included).</summary>
    public Task DeliveredMany(params object?[] positions) => _hub.InvokeCoreAsync("DeliveredMany", [positions]);

    /// <summary>The hub's <c>Send</c> with a request as given (acknowledgements riding on it included).</summary>
    public Task<JsonElement> Send(string conversationId, object request) => _hub.InvokeAsync<JsonElement>("Send", conversationId, request);

    public Task<JsonElement> GetReceipts(string conversationId) => _hub.InvokeAsync<JsonElement>("GetReceipts", conversationId);

    /// <summary>Whether a notice has arrived that nobody has taken yet.</summary>
    public bool HasNotice => _notices.Reader.TryPeek(out _);

    public async Task<Notice> Next() => await _notices.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Notices until one of <paramref name="conversationId"/> shows <paramref name="userId"/> as <paramref name="expected"/>.</summary>
    public async Task<Receipt> Until(string conversationId, string userId, Func<Receipt, bool> expected)
    {
        while (true)
        {
            var notice = await Next();
            if (notice.ConversationId == conversationId && notice.Members.FirstOrDefault(m => m.UserId == userId) is { } r && expected(r)) return r;
        }
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}

/// <summary>The HTTP calls of receipts tests.</summary>
public static class ReceiptApi
{
    public static async Task<long> SendOne(this ApiUser user, string conversationId)
    {
        var response = await user.Send(conversationId, "hello");
        response.EnsureSuccessStatusCode();
        return (await ApiUser.Json(response)).GetProperty("seq").GetInt64();
    }

    public static async Task Read(this ApiUser user, string conversationId, long seq) =>
        (await user.Http.PostAsJsonAsync($"api/conversations/{conversationId}/read", new { seq })).EnsureSuccessStatusCode();

    public static async Task<JsonElement> Receipts(this ApiUser user, string conversationId)
    {
        var response = await user.Http.GetAsync($"api/conversations/{conversationId}/receipts");
        response.EnsureSuccessStatusCode();
        return await ApiUser.Json(response);
    }

    public static JsonElement Of(this JsonElement receipts, string userId) =>
        receipts.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("userId").GetString() == userId);

    public static async Task<string> CreateDirect(this ApiUser user, string other)
    {
        var response = await user.Http.PostAsJsonAsync("api/conversations", new { members = new[] { other }, kind = "direct" });
        response.EnsureSuccessStatusCode();
        return (await ApiUser.Json(response)).GetProperty("conversationId").GetString()!;
    }
}

/// <summary>Alice (on the full node) made a group with bob (on the edge node) and carol (on the full node); each signed in over HTTP.</summary>
public sealed record GroupOfThree(string Group, ApiUser Alice, ApiUser Bob, ApiUser Carol) : IDisposable
{
    public static async Task<GroupOfThree> Create(ReceiptNodes nodes)
    {
        var alice = await ApiUser.SignIn(nodes.Node, Ids.User("alice"));
        var bob = await ApiUser.SignIn(nodes.Edge, Ids.User("bob"));
        var carol = await ApiUser.SignIn(nodes.Node, Ids.User("carol"));
        return new GroupOfThree(await alice.CreateGroup(bob.Id, carol.Id), alice, bob, carol);
    }

    public void Dispose()
    {
        Alice.Dispose();
        Bob.Dispose();
        Carol.Dispose();
    }
}
