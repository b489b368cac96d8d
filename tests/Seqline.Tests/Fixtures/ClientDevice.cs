using Seqline.Client;

namespace Seqline.Tests.Fixtures;

/// <summary>A device running the client library against a server, recording what it applies.</summary>
public sealed class ClientDevice : IAsyncDisposable
{
    private readonly List<SyncEvent> _events = [];

    private ClientDevice(SeqlineClient client) => Client = client;

    public SeqlineClient Client { get; }

    public IReadOnlyList<SyncEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public List<long> MessageSeqs(string conversationId) => Events
        .Where(e => e.Type == SyncEventTypes.Message && e.ConversationId == conversationId)
        .Select(e => e.Seq)
        .ToList();

    public static async Task<ClientDevice> Connect(SeqlineServer server, string token, ICheckpointStore? checkpoints = null,
        HttpMessageHandler? handler = null, Action<SyncPage>? onReset = null, Action<SeqlineClientOptions>? configure = null,
        Action<SeqlineClient>? beforeConnect = null)
    {
        var options = new SeqlineClientOptions
        {
            BaseAddress = server.BaseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult(token),
            Checkpoints = checkpoints ?? new InMemoryCheckpointStore(),
            HttpHandler = handler,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        var client = new SeqlineClient(options);
        var device = new ClientDevice(client);
        client.EventReceived += e =>
        {
            lock (device._events) device._events.Add(e);
            return Task.CompletedTask;
        };
        client.ResetReceived += page =>
        {
            onReset?.Invoke(page);
            return Task.CompletedTask;
        };
        // What an app restores before its first sync, e.g. the conversations it shows.
        beforeConnect?.Invoke(client);
        await client.ConnectAsync();
        return device;
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
