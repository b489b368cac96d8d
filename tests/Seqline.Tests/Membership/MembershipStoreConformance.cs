using Seqline.Membership;

namespace Seqline.Tests.Membership;

/// <summary>
/// The behaviour every membership store must show. Each provider runs it through a subclass that
/// supplies a real store (SQLite files, Azurite, memory).
/// </summary>
public abstract class MembershipStoreConformance
{
    protected abstract IMembershipStore Store { get; }

    private static string NewConversation() => "c-" + Guid.NewGuid().ToString("N");

    private static MemberRow Member(string user) => new(user, MemberStatus.Member);

    private async Task<List<MemberRow>> Rows(string conversationId) =>
        (await Store.ReadAsync(conversationId)).OrderBy(r => r.UserId, StringComparer.Ordinal).ToList();

    [Fact]
    public async Task An_unknown_conversation_has_no_rows()
    {
        Assert.Empty(await Store.ReadAsync(NewConversation()));
    }

    [Fact]
    public async Task Rows_are_kept_per_conversation_with_their_status()
    {
        var (a, b) = (NewConversation(), NewConversation());
        await Store.ChangeAsync(a, [Member("ann"), new("bob", MemberStatus.Joining, 7), new("cid", MemberStatus.Leaving, 9)], []);
        await Store.ChangeAsync(b, [Member("bob"), Member("dan")], []);
        await Store.ChangeAsync(a, [Member("bob")], ["cid"]);

        Assert.Equal([Member("ann"), Member("bob")], await Rows(a));
        Assert.Equal([Member("bob"), Member("dan")], await Rows(b));
    }

    [Fact]
    public async Task Changes_are_idempotent_and_a_user_in_both_lists_is_written()
    {
        var c = NewConversation();
        await Store.ChangeAsync(c, [Member("ann"), Member("bob")], []);
        await Store.ChangeAsync(c, [Member("ann"), Member("bob")], ["nobody", "neither"]);
        Assert.Equal([Member("ann"), Member("bob")], await Rows(c));

        // A change retried after it landed leaves the same rows.
        await Store.ChangeAsync(c, [new("cid", MemberStatus.Joining, 3)], ["ann"]);
        await Store.ChangeAsync(c, [new("cid", MemberStatus.Joining, 3)], ["ann"]);
        Assert.Equal([Member("bob"), new MemberRow("cid", MemberStatus.Joining, 3)], await Rows(c));

        await Store.ChangeAsync(c, [new("bob", MemberStatus.Leaving, 4)], ["bob", "cid"]);
        Assert.Equal([new MemberRow("bob", MemberStatus.Leaving, 4)], await Rows(c));
    }

    [Fact]
    public async Task Thousands_of_rows_go_in_and_out_in_one_change()
    {
        var c = NewConversation();
        var everyone = Enumerable.Range(0, 2_500).Select(i => new MemberRow($"user-{i:00000}", MemberStatus.Joining, 1)).ToList();
        await Store.ChangeAsync(c, everyone, []);
        Assert.Equal(everyone, await Rows(c));

        // Every other user is told and stays; the rest leave, with some who never were there.
        var told = everyone.Where((_, i) => i % 2 == 1).Select(r => r with { Status = MemberStatus.Member }).ToList();
        await Store.ChangeAsync(c, told, everyone.Where((_, i) => i % 2 == 0).Select(r => r.UserId).Concat(["ghost-1", "ghost-2"]).ToList());
        Assert.Equal(told, await Rows(c));
    }
}
