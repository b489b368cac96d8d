using Seqline.Bench.Infrastructure;
using Seqline.Client;

namespace Seqline.Bench.Scenarios.E2e;

/// <summary>The kinds of conversation of the e2e workload; the char is what message bodies carry.</summary>
public enum ChatKind
{
    Direct,
    Group,
    Big,
}

public sealed record Chat(string Id, ChatKind Kind, int Members, int ConnectedMembers, string Fanout)
{
    public char Code => Kind switch { ChatKind.Direct => 'd', ChatKind.Group => 'g', _ => 'b' };

    public static int IndexOf(char code) => code switch { 'd' => 0, 'g' => 1, _ => 2 };
}

public sealed class Device(string userId, SeqlineClient client)
{
    public string UserId { get; } = userId;
    public SeqlineClient Client { get; } = client;
}

/// <summary>Users, their devices and conversations, created through the client library over HTTP.</summary>
public sealed class E2eWorld : IAsyncDisposable
{
    private E2eWorld(string[] users, List<Device> devices, Dictionary<string, List<Chat>> chatsOf, List<Chat> chats)
    {
        Users = users;
        Devices = devices;
        ChatsOf = chatsOf;
        Chats = chats;
    }

    public string[] Users { get; }
    public List<Device> Devices { get; }
    public Dictionary<string, List<Chat>> ChatsOf { get; }
    public List<Chat> Chats { get; }
    public Chat? Big => Chats.FirstOrDefault(c => c.Kind == ChatKind.Big);

    public static async Task<E2eWorld> CreateAsync(E2eOptions options, Uri node, HttpMessageHandler http, IBenchUi ui, Action<Device> wire)
    {
        var users = Enumerable.Range(0, options.Users).Select(i => $"u{i:D5}").ToArray();
        var devices = users.SelectMany(u => Enumerable.Range(0, options.DevicesPerUser).Select(_ => new Device(u, Infrastructure.Devices.Create(node, u, http, acknowledgeDeliveries: options.Acknowledge)))).ToList();
        var first = devices.GroupBy(d => d.UserId).ToDictionary(g => g.Key, g => g.First().Client);
        var chatsOf = users.ToDictionary(u => u, _ => new List<Chat>());
        var chats = new List<Chat>();

        // Every user is in two 1:1 chats (with the next and the previous user) and two groups (two partitions).
        var pairs = users.Select((u, i) => (A: u, B: users[(i + 1) % users.Length])).Where(p => p.A != p.B)
            .DistinctBy(p => string.CompareOrdinal(p.A, p.B) < 0 ? (p.A, p.B) : (p.B, p.A)).ToList();
        var random = new Random(options.Seed);
        var groups = Partition(users, options.GroupSize).Concat(Partition(users.OrderBy(_ => random.Next()).ToArray(), options.GroupSize)).ToList();
        var bigMembers = options.BigGroupMembers > 1
            ? users.Take(options.BigGroupMembers).Concat(Enumerable.Range(0, Math.Max(0, options.BigGroupMembers - users.Length)).Select(i => $"x{i:D5}")).ToList()
            : [];

        await ui.PhaseAsync("e2e: create conversations", pairs.Count + groups.Count + (bigMembers.Count > 0 ? 1 : 0), async phase =>
        {
            var done = 0;
            void Add(Chat chat, IEnumerable<string> members)
            {
                lock (chats)
                {
                    chats.Add(chat);
                    foreach (var member in members) if (chatsOf.TryGetValue(member, out var list)) list.Add(chat);
                }
            }
            if (bigMembers.Count > 0)
            {
                // The large group first, while nothing else runs: creating it joins every member's inbox.
                var big = await first[bigMembers[0]].CreateConversationAsync(bigMembers.Skip(1), "big group");
                Add(new Chat(big.ConversationId, ChatKind.Big, big.Members.Count, bigMembers.Count(chatsOf.ContainsKey), big.Fanout), bigMembers);
                phase.Set(++done);
            }
            await Infrastructure.Devices.ForEachAsync(pairs, options.SetupConcurrency, async p =>
            {
                var chat = await first[p.A].CreateConversationAsync([p.B], kind: ConversationKinds.Direct);
                Add(new Chat(chat.ConversationId, ChatKind.Direct, 2, 2, chat.Fanout), [p.A, p.B]);
            }, () => phase.Set(Interlocked.Increment(ref done)));
            await Infrastructure.Devices.ForEachAsync(groups, options.SetupConcurrency, async g =>
            {
                var chat = await first[g[0]].CreateConversationAsync(g.Skip(1), "group");
                Add(new Chat(chat.ConversationId, ChatKind.Group, g.Length, g.Length, chat.Fanout), g);
            }, () => phase.Set(Interlocked.Increment(ref done)));
        });

        foreach (var device in devices) wire(device);
        await ui.PhaseAsync($"e2e: connect {devices.Count} devices", devices.Count, async phase =>
        {
            var done = 0;
            await Infrastructure.Devices.ForEachAsync(devices, options.SetupConcurrency, d => d.Client.ConnectAsync(), () => phase.Set(Interlocked.Increment(ref done)));
        });
        return new E2eWorld(users, devices, chatsOf, chats);
    }

    public async ValueTask DisposeAsync() =>
        await Infrastructure.Devices.ForEachAsync(Devices, 64, d => d.Client.DisposeAsync().AsTask()).WaitAsync(TimeSpan.FromSeconds(120));

    private static IEnumerable<string[]> Partition(string[] users, int size)
    {
        var chunks = users.Chunk(Math.Max(2, size)).ToList();
        if (chunks.Count > 1 && chunks[^1].Length < 2)
        {
            chunks[^2] = [.. chunks[^2], .. chunks[^1]];
            chunks.RemoveAt(chunks.Count - 1);
        }
        return chunks.Where(c => c.Length >= 2);
    }
}
