using System.Buffers.Binary;
using Seqline.Storage.Rows;

namespace Seqline.Conversations;

/// <summary>
/// One user's place in a conversation, stored as a row of the members store: whether they are a
/// member now, the changes to that their inbox has not been told yet (in order), and, when their
/// inbox fell behind the conversation's fan-out, how far it has got. A user with none of these is
/// no row at all.
/// </summary>
/// <param name="IsMember">A member now, after every change below.</param>
/// <param name="Untold">Joins and removals not yet told to the user's inbox, oldest first.</param>
/// <param name="Behind">
/// Null while the inbox keeps step with the conversation's fan-out; otherwise the seq up to which
/// it has everything owed to it: it failed a delivery and is caught up on its own.
/// </param>
/// <param name="OwedRecalls">Recalls of messages the inbox holds that it has not been told of.</param>
/// <param name="JoinedAt">
/// The first seq of the user's latest join: how long they have stood in the group, for handing
/// ownership on (0 in rows stored before it was kept: the longest-standing).
/// </param>
public sealed record MemberRow(string UserId, bool IsMember, IReadOnlyList<MembershipTransition> Untold, long? Behind = null,
    IReadOnlyList<long>? OwedRecalls = null, long JoinedAt = 0)
{
    private const byte Format = 3;

    // Rows stored before JoinedAt was kept are read as they are.
    private const byte FormatWithoutJoin = 2;

    /// <summary>A member whose inbox knows it and keeps step.</summary>
    public static MemberRow Settled(string userId) => new(userId, true, []);

    public IReadOnlyList<long> Recalls => OwedRecalls ?? [];

    public bool IsBehind => Behind is not null;

    /// <summary>Nothing to tell, nothing owed, in step: a plain member.</summary>
    public bool IsSettled => IsMember && Untold.Count == 0 && !IsBehind && Recalls.Count == 0;

    /// <summary>Not a member, and nothing left to tell or deliver: the row can go.</summary>
    public bool IsGone => !IsMember && Untold.Count == 0 && Recalls.Count == 0;

    /// <summary>Whether the inbox has been told the user is a member (before the untold changes).</summary>
    public bool WasToldMember => Untold.Count > 0 ? !Untold[0].Joins : IsMember;

    /// <summary>The status the user's inbox must learn of: what tests and operators read.</summary>
    public MemberStatus Status => Untold.Count == 0 ? (IsMember ? MemberStatus.Member : MemberStatus.Leaving)
        : IsMember ? MemberStatus.Joining : MemberStatus.Leaving;

    /// <summary>Whether the user is a member for the message at <paramref name="seq"/>.</summary>
    public bool IsMemberAt(long seq)
    {
        var member = WasToldMember;
        foreach (var change in Untold)
        {
            if (change.Since > seq) break;
            member = change.Joins;
        }
        return member;
    }

    /// <summary>
    /// The last seq the user's inbox may read of the conversation's timeline: up to the first
    /// removal it has not been told of yet, else everything. Also behind an untold join: a join
    /// whose call failed may have landed, so the inbox may know of it and read.
    /// </summary>
    public long ReadableThrough => Untold.Where(change => !change.Joins).Select(change => change.Since - 1).DefaultIfEmpty(long.MaxValue).First();

    /// <summary>
    /// This row after the user joins (or leaves) from <paramref name="since"/>. Every change is told
    /// in turn, even one that undoes the last before any message: that one may be on its way to
    /// the inbox already.
    /// </summary>
    public MemberRow Change(bool joins, long since) =>
        joins == IsMember ? this : this with { IsMember = joins, Untold = [.. Untold, new MembershipTransition(joins, since)], JoinedAt = joins ? since : JoinedAt };

    /// <summary>This row once the user's inbox has been told its oldest untold change.</summary>
    public MemberRow Told() => this with { Untold = Untold.Skip(1).ToList() };

    public Row ToRow()
    {
        var recalls = Recalls;
        var value = new byte[1 + 1 + 8 + 8 + 2 + Untold.Count * 9 + 2 + recalls.Count * 8];
        var span = value.AsSpan();
        span[0] = Format;
        span[1] = (byte)((IsMember ? 1 : 0) | (IsBehind ? 2 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(span[2..], Behind ?? 0);
        BinaryPrimitives.WriteInt64LittleEndian(span[10..], JoinedAt);
        BinaryPrimitives.WriteUInt16LittleEndian(span[18..], checked((ushort)Untold.Count));
        var at = 20;
        foreach (var change in Untold)
        {
            span[at] = change.Joins ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 1)..], change.Since);
            at += 9;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(span[at..], checked((ushort)recalls.Count));
        at += 2;
        foreach (var seq in recalls)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], seq);
            at += 8;
        }
        return new Row(UserId, value);
    }

    public static MemberRow From(Row row)
    {
        var span = row.Value.AsSpan();
        var withJoin = span.Length >= 22 && span[0] == Format;
        if (!withJoin && (span.Length < 14 || span[0] != FormatWithoutJoin))
            throw new InvalidDataException($"The member row of '{row.Key}' is not in format {Format} or {FormatWithoutJoin}.");
        var isMember = (span[1] & 1) != 0;
        long? behind = (span[1] & 2) != 0 ? BinaryPrimitives.ReadInt64LittleEndian(span[2..]) : null;
        var joinedAt = withJoin ? BinaryPrimitives.ReadInt64LittleEndian(span[10..]) : 0;
        var at = withJoin ? 18 : 10;
        var count = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        var untold = new List<MembershipTransition>(count);
        at += 2;
        for (var i = 0; i < count; i++, at += 9)
            untold.Add(new MembershipTransition(span[at] == 1, BinaryPrimitives.ReadInt64LittleEndian(span[(at + 1)..])));
        var recallCount = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        at += 2;
        var recalls = new List<long>(recallCount);
        for (var i = 0; i < recallCount; i++, at += 8) recalls.Add(BinaryPrimitives.ReadInt64LittleEndian(span[at..]));
        return new MemberRow(row.Key, isMember, untold, behind, recalls.Count > 0 ? recalls : null, joinedAt);
    }

    // Lists compare by content, so that rows compare by what they store.
    public bool Equals(MemberRow? other) => other is not null && UserId == other.UserId && IsMember == other.IsMember
        && Untold.SequenceEqual(other.Untold) && Behind == other.Behind && Recalls.SequenceEqual(other.Recalls) && JoinedAt == other.JoinedAt;

    public override int GetHashCode() => HashCode.Combine(UserId, IsMember, Untold.Count, Behind);

    public override string ToString() =>
        $"{UserId}: {(IsMember ? "member" : "not a member")}{string.Concat(Untold.Select(t => $", untold {(t.Joins ? "join" : "leave")}@{t.Since}"))}" +
        $"{(Behind is { } at ? $", behind at {at}" : "")}{(Recalls.Count > 0 ? $", owed recalls {string.Join(",", Recalls)}" : "")}" +
        $"{(IsMember ? $", joined@{JoinedAt}" : "")}";
}

/// <summary>The user joined (or left) the conversation from <paramref name="Since"/>, the first seq it applies to.</summary>
public readonly record struct MembershipTransition(bool Joins, long Since);

/// <summary>What a user's inbox has still to learn of their membership.</summary>
public enum MemberStatus : byte
{
    /// <summary>A member whose inbox knows it.</summary>
    Member = 0,

    /// <summary>A member whose inbox is still to be told that they joined.</summary>
    Joining = 1,

    /// <summary>No longer a member; their inbox is still to be told. The row goes once it is.</summary>
    Leaving = 2,
}
