using System.Buffers.Binary;
using Seqline.Storage.Rows;

namespace Seqline.Conversations;

/// <summary>One user's place in a conversation, stored as a row of the members store.</summary>
/// <param name="Since">For a change not yet told: the seq it applies from (a joined user's first message).</param>
public sealed record MemberRow(string UserId, MemberStatus Status, long Since = 0)
{
    public Row ToRow()
    {
        var value = new byte[9];
        value[0] = (byte)Status;
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(1), Since);
        return new Row(UserId, value);
    }

    public static MemberRow From(Row row) =>
        new(row.Key, (MemberStatus)row.Value[0], BinaryPrimitives.ReadInt64LittleEndian(row.Value.AsSpan(1)));
}

/// <summary>Whether a user's inbox has been told of the latest change to their membership.</summary>
public enum MemberStatus : byte
{
    /// <summary>A member whose inbox knows it.</summary>
    Member = 0,

    /// <summary>A member whose inbox is still to be told that they joined.</summary>
    Joining = 1,

    /// <summary>No longer a member; their inbox is still to be told. The row goes once it is.</summary>
    Leaving = 2,
}
