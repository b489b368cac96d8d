using System.Collections.Concurrent;
using Seqline.Conversations;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// Load for a cluster that loses a silo: group conversations whose first two members each send
/// <see cref="PerSender"/> messages, retrying a failed send with the same clientMsgId (for up to
/// <see cref="RetryFor"/>, as a client would until the cluster has declared the silo dead), while one member
/// of each group pulls its inbox. <see cref="VerifyAsync"/> then checks that nothing acknowledged was
/// lost or doubled: every history is 1..N with each message once at the seq it was acknowledged at,
/// and every inbox holds exactly that history.
/// </summary>
public sealed class SiloLossLoad
{
    public const int PerSender = 25;
    private const int Conversations = 4;
    // A send to a conversation placed on the lost silo fails until the others declare it dead: about
    // 13 s after a SIGKILL on an idle machine, longer on a busy one, where votes and probes are slow.
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory _grains;
    private readonly List<(string Id, string[] Members)> _conversations;
    private readonly Dictionary<string, TestDevice> _devices;
    private readonly ConcurrentDictionary<(string Conversation, string ClientMsgId), long> _acked = new();
    private readonly TaskCompletionSource _halfway = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloLossLoad(IGrainFactory grains, List<(string, string[])> conversations, Dictionary<string, TestDevice> devices)
    {
        _grains = grains;
        _conversations = conversations;
        _devices = devices;
    }

    public IEnumerable<string> ConversationIds => _conversations.Select(c => c.Id);

    /// <summary>Completes once half of all messages are acknowledged: the moment to take a silo away.</summary>
    public Task Halfway => _halfway.Task;

    /// <summary>The groups, and a device of a member of each, connected (cursor at the head) before any send.</summary>
    public static async Task<SiloLossLoad> CreateAsync(IGrainFactory grains)
    {
        var conversations = new List<(string, string[])>();
        for (var c = 0; c < Conversations; c++)
        {
            var members = new[] { Ids.User("a"), Ids.User("b"), Ids.User("c") };
            var id = Ids.Conversation();
            await grains.GetGrain<IConversationGrain>(id).Create(new NewConversation(members[0], members, null, ConversationKind.Group));
            conversations.Add((id, members));
        }
        var devices = conversations.ToDictionary(c => c.Item1, c => new TestDevice(grains, c.Item2[1]));
        foreach (var device in devices.Values) await device.Connect();
        return new SiloLossLoad(grains, conversations, devices);
    }

    /// <summary>Runs every sender to its last message; a failed send is retried, with backoff, for up to <see cref="RetryFor"/>.</summary>
    public Task RunAsync() => Task.WhenAll(_conversations.SelectMany(c => c.Members.Take(2).Select(sender => Task.Run(async () =>
    {
        var conversation = _grains.GetGrain<IConversationGrain>(c.Id);
        for (var i = 0; i < PerSender; i++)
        {
            var clientMsgId = $"{sender}-{i}";
            var giveUpAt = DateTime.UtcNow + RetryFor;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var receipt = await conversation.Send(new OutgoingMessage(sender, clientMsgId, $"{sender} says {i}"));
                    Assert.True(_acked.TryAdd((c.Id, clientMsgId), receipt.Seq) || _acked[(c.Id, clientMsgId)] == receipt.Seq);
                    if (_acked.Count >= Conversations * PerSender) _halfway.TrySetResult();
                    break;
                }
                catch (Exception) when (DateTime.UtcNow < giveUpAt)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250 * attempt, LongestBackoff.TotalMilliseconds)));
                }
            }
        }
    }))));

    public async Task VerifyAsync()
    {
        foreach (var (id, members) in _conversations)
        {
            var history = new List<ChatMessage>();
            for (long after = 0; ;)
            {
                var page = await _grains.GetGrain<IConversationGrain>(id).ReadAfter(members[0], after, 1000);
                history.AddRange(page.Messages);
                if (!page.HasMore) break;
                after = page.Messages[^1].Seq;
            }
            Assert.Equal(Enumerable.Range(1, 2 * PerSender).Select(i => (long)i), history.Select(m => m.Seq));
            Assert.Equal(history.Count, history.Select(m => (m.SenderId, m.ClientMsgId)).Distinct().Count());
            foreach (var m in history) Assert.Equal(_acked[(id, m.ClientMsgId)], m.Seq);

            var device = _devices[id];
            await Eventually.True(async () => { await device.PullAll(); return device.MessageSeqs(id).Count >= 2 * PerSender; },
                TimeSpan.FromSeconds(60), $"the inbox of a member of {id} to be complete");
            Assert.Equal(history.Select(m => m.Seq), device.MessageSeqs(id));
        }
    }
}
