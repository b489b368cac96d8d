using Seqline.Receipts;

namespace Seqline.Tests.Receipts;

/// <summary>The positions and pace of a conversation's receipts, without a cluster.</summary>
public sealed class ReceiptBookTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BusyInterval = TimeSpan.FromSeconds(4);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Members = ["alice", "bob", "carol"];

    [Fact]
    public void Positions_only_move_forward_and_delivered_is_never_behind_read()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        Assert.True(book.Move(new ReceiptMove("bob", 5, 3, false)));
        Assert.Equal(new MemberPositions(5, 5, false), book.Of("bob"));

        Assert.False(book.Move(new ReceiptMove("bob", 4, 5, false)), "an older move changes nothing");
        Assert.True(book.Move(new ReceiptMove("bob", 5, 9, false)));
        Assert.Equal(new MemberPositions(5, 9, false), book.Of("bob"));
    }

    [Fact]
    public void A_move_after_a_quiet_pace_goes_at_once_and_moves_within_one_wait_for_its_end()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        Assert.Equal(TimeSpan.Zero, book.WaitBeforeNotice(T0));
        book.Move(new ReceiptMove("bob", 1, 1, false));
        Assert.Equal(["bob"], book.TakeMoves(T0, Members).Select(m => m.UserId));

        book.Move(new ReceiptMove("bob", 2, 2, false));
        book.Move(new ReceiptMove("carol", 1, 2, false));
        book.Move(new ReceiptMove("bob", 3, 3, false));
        Assert.Equal(TimeSpan.FromMilliseconds(700), book.WaitBeforeNotice(T0.AddMilliseconds(300)));

        // One notice with each member's newest positions, not one per move.
        var moved = book.TakeMoves(T0.AddSeconds(1), Members);
        Assert.Equal(["bob", "carol"], moved.Select(m => m.UserId).Order());
        var notice = book.NoticeFor("c", "alice", moved)!;
        Assert.Equal([new MemberReceipt("bob", 3, 3), new MemberReceipt("carol", 1, 2)], notice.Members.OrderBy(m => m.UserId));
        Assert.False(book.HasMoves);
        // That notice waited, so the pace doubled: quiet now means two intervals without a notice.
        Assert.Equal(TimeSpan.Zero, book.WaitBeforeNotice(T0.AddSeconds(3)));
    }

    [Fact]
    public void A_member_is_not_told_their_own_move_and_nobody_sees_the_read_position_of_someone_who_hides_it()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        book.Move(new ReceiptMove("bob", 4, 4, HideRead: true));
        var moved = book.TakeMoves(T0, Members);

        Assert.Null(book.NoticeFor("c", "bob", moved));
        Assert.Equal([new MemberReceipt("bob", null, 4)], book.NoticeFor("c", "alice", moved)!.Members);
    }

    [Fact]
    public void Who_hides_read_positions_sees_nobody_elses_but_still_sees_delivered()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        book.Move(new ReceiptMove("bob", 0, 0, HideRead: true));
        book.Move(new ReceiptMove("alice", 7, 7, false));
        var moved = book.TakeMoves(T0, Members);

        Assert.Equal([new MemberReceipt("alice", null, 7)], book.NoticeFor("c", "bob", moved)!.Members);
        Assert.Equal([new MemberReceipt("alice", null, 7), new MemberReceipt("carol", null, 0)], book.View("bob", viewerHidesRead: true, Members));
        Assert.Equal([new MemberReceipt("alice", 7, 7), new MemberReceipt("bob", null, 0), new MemberReceipt("carol", 0, 0)], book.View("dave", false, Members));
    }

    [Fact]
    public void A_member_who_left_is_dropped_with_their_positions_and_a_clear_forgets_everyone()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        book.Move(new ReceiptMove("bob", 2, 2, false));
        book.Move(new ReceiptMove("carol", 3, 3, false));
        book.Saved();

        Assert.Equal(["carol"], book.TakeMoves(T0, ["alice", "carol"]).Select(m => m.UserId));
        Assert.Null(book.Of("bob"));
        Assert.True(book.Unsaved, "dropping a member is saved too");

        book.Saved();
        book.Clear();
        Assert.Equal(0, book.Count);
        Assert.True(book.Unsaved);
    }

    [Fact]
    public void Saved_positions_load_back_and_are_not_unsaved()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        book.Move(new ReceiptMove("bob", 2, 5, true));
        var again = new ReceiptBook(Interval, BusyInterval);
        again.Load(book.Snapshot());

        Assert.False(again.Unsaved);
        Assert.False(again.HasMoves);
        Assert.Equal(new MemberPositions(2, 5, true), again.Of("bob"));
    }

    [Fact]
    public void Where_the_senders_are_known_a_move_is_told_only_to_members_whose_messages_it_passed()
    {
        var book = new ReceiptBook(Interval, BusyInterval);
        book.Move(new ReceiptMove("bob", 2, 2, false));
        book.Move(new ReceiptMove("carol", 0, 1, false));
        book.TakeMoves(T0, Members);

        // Since that notice bob read 3 (alice's) and got 4 (carol's); carol got 2 (bob's).
        book.Move(new ReceiptMove("bob", 3, 4, false));
        book.Move(new ReceiptMove("carol", 0, 2, false));
        var moved = book.TakeMoves(T0.AddSeconds(1), Members);
        Assert.Equal((1L, 4L), ReceiptBook.Span(moved));
        var sent = new[] { (2L, "bob"), (3L, "alice"), (4L, "carol") }.ToLookup(s => s.Item2, s => s.Item1);

        Assert.Equal([new MemberReceipt("bob", 3, 4)], book.NoticeFor("c", "alice", moved, sent)!.Members);
        Assert.Equal([new MemberReceipt("bob", 3, 4)], book.NoticeFor("c", "carol", moved, sent)!.Members);
        Assert.Equal([new MemberReceipt("carol", 0, 2)], book.NoticeFor("c", "bob", moved, sent)!.Members);
        Assert.Null(book.NoticeFor("c", "dave", moved, sent));
        // Not known who sent them: everyone hears of every other member's move.
        Assert.Equal(2, book.NoticeFor("c", "alice", moved)!.Members.Count);

        // Starting to hide a read position changes the ticks of everyone's messages: all are told.
        book.Move(new ReceiptMove("bob", 3, 4, HideRead: true));
        moved = book.TakeMoves(T0.AddSeconds(2), Members);
        var none = Array.Empty<(long, string)>().ToLookup(s => s.Item2, s => s.Item1);
        Assert.Equal([new MemberReceipt("bob", null, 4)], book.NoticeFor("c", "alice", moved, none)!.Members);
    }

    [Fact]
    public void A_move_passes_only_the_seqs_between_where_a_position_was_and_where_it_is()
    {
        var move = new MemberMoved("bob", new MemberPositions(Read: 2, Delivered: 6, false), new MemberPositions(Read: 4, Delivered: 9, false));

        Assert.Equal([3L, 4L, 7L, 8L, 9L], Enumerable.Range(0, 12).Select(i => (long)i).Where(move.Passed));
    }
}
