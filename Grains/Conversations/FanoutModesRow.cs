using System.Buffers.Binary;
using Seqline.Storage.Rows;

namespace Seqline.Conversations;

/// <summary>
/// A conversation's fan-out switches, published in the members row store (under an owner of its
/// own, beside the conversation's member rows) for the inboxes that read its timeline in read fan-out. A switch back to write
/// fan-out at seq T is stored here before any message gets seq T, so an inbox that reads the
/// timeline stops at T - 1 even before the switch itself reaches it: from T on the messages come
/// to it as copies, and reading them too would deliver them twice.
/// </summary>
public static class FanoutModesRow
{
    public const string Key = "fanout";

    /// <summary>The row's owner: '!' is in no conversation id, and Azure Tables allow it in keys.</summary>
    public static string OwnerOf(string conversationId) => conversationId + "!";

    public static Row ToRow(IReadOnlyList<FanoutChange> changes)
    {
        var value = new byte[changes.Count * 9];
        for (var i = 0; i < changes.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(i * 9), changes[i].Since);
            value[i * 9 + 8] = (byte)changes[i].Mode;
        }
        return new Row(Key, value);
    }

    public static List<FanoutChange> From(Row row)
    {
        var changes = new List<FanoutChange>(row.Value.Length / 9);
        for (var at = 0; at + 9 <= row.Value.Length; at += 9)
            changes.Add(new FanoutChange(BinaryPrimitives.ReadInt64LittleEndian(row.Value.AsSpan(at)), (FanoutMode)row.Value[at + 8]));
        return changes;
    }

    /// <summary>
    /// The last seq an inbox reading in read fan-out since <paramref name="readingSince"/> may read:
    /// just before the first seq from there on where write fan-out is in force, or everything.
    /// The mode in force at a seq is the last switch at or before it, so a switch back to write at
    /// the very seq the inbox reads from (made before any message there) stops it at once.
    /// </summary>
    public static long ReadableThrough(Row? row, long readingSince)
    {
        if (row is null) return long.MaxValue;
        var changes = From(row);
        foreach (var seq in changes.Select(c => Math.Max(c.Since, readingSince)).Distinct().Order())
            if (changes.LastOrDefault(c => c.Since <= seq) is { Mode: FanoutMode.Write }) return seq - 1;
        return long.MaxValue;
    }
}
