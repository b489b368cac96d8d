using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// <see cref="GrainReferences.Reference{TGrainInterface}"/> gives the reference GetGrain gives, from
/// the first call on and after its cache was made on another factory (a node stopped and another started).
/// </summary>
public sealed class GrainReferencesTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_reference_is_the_one_get_grain_gives_and_reaches_the_same_grain_on_any_factory()
    {
        foreach (var run in new[] { "first node", "second node" })
        {
            await using var node = await new EmbeddedNode(Path.Combine(_data.Path, run.Replace(' ', '-'))).Start();
            var (alice, bob, id) = (Ids.User("alice"), Ids.User("bob"), Ids.Conversation());
            await node.Grains.Reference<IConversationGrain>(id).Create(new NewConversation(alice, [bob], "trip", ConversationKind.Group));

            foreach (var key in new[] { alice, bob })
            {
                // Twice: the first call of a factory resolves, the second uses what it resolved.
                foreach (var _ in new[] { 1, 2 })
                {
                    var expected = (GrainReference)(object)node.Grains.GetGrain<IInboxOwner>(key);
                    var reference = node.Grains.Reference<IInboxOwner>(key);
                    var actual = (GrainReference)(object)reference;
                    Assert.Equal(expected.GrainId, actual.GrainId);
                    Assert.Equal(expected.InterfaceType, actual.InterfaceType);
                    Assert.Equal(expected.GetType(), actual.GetType());
                    // The call reaches the member's inbox, which learns of the conversation by fan-out.
                    await Eventually.True(async () => (await reference.GetConversations()).Any(c => c.ConversationId == id), TimeSpan.FromSeconds(60), $"{key}'s list to show the group");
                }
            }
            // Another interface of the same grain has its own interface type, not the cached one of the first.
            var presence = (GrainReference)(object)node.Grains.Reference<IInboxPresence>(alice);
            Assert.Equal(((GrainReference)(object)node.Grains.GetGrain<IInboxPresence>(alice)).InterfaceType, presence.InterfaceType);
        }
    }

    public void Dispose() => _data.Dispose();
}
