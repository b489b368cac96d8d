using Seqline.Conversations;

namespace Seqline.Tests.Conversations;

/// <summary>
/// How far an inbox reading a conversation in read fan-out may read, from the switches the
/// conversation published: never into a seq where write fan-out is in force (those come as copies).
/// </summary>
public sealed class FanoutModesRowTests
{
    private static long ReadableThrough(long readingSince, params (long Since, FanoutMode Mode)[] changes) =>
        FanoutModesRow.ReadableThrough(FanoutModesRow.ToRow(changes.Select(c => new FanoutChange(c.Since, c.Mode)).ToList()), readingSince);

    [Fact]
    public void An_inbox_reads_up_to_the_next_switch_back_to_write()
    {
        Assert.Equal(9, ReadableThrough(1, (1, FanoutMode.Read), (10, FanoutMode.Write)));
        Assert.Equal(long.MaxValue, ReadableThrough(1, (1, FanoutMode.Read)));
        Assert.Equal(long.MaxValue, FanoutModesRow.ReadableThrough(null, 1));
    }

    [Fact]
    public void A_switch_back_to_write_at_the_seq_the_inbox_reads_from_stops_it_at_once()
    {
        // Created in read fan-out, shrunk back to write before its first message: seq 1 is a copy.
        Assert.Equal(0, ReadableThrough(1, (1, FanoutMode.Read), (1, FanoutMode.Write)));
    }

    [Fact]
    public void A_switch_back_and_forth_at_one_seq_leaves_read_fan_out_in_force()
    {
        Assert.Equal(long.MaxValue, ReadableThrough(1, (1, FanoutMode.Read), (1, FanoutMode.Write), (1, FanoutMode.Read)));
        // Read since 4, then write and read again at 14 with no message between: nothing stops the read.
        Assert.Equal(long.MaxValue, ReadableThrough(4, (1, FanoutMode.Read), (14, FanoutMode.Write), (14, FanoutMode.Read)));
    }
}
