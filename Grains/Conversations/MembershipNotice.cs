namespace Seqline.Conversations;

/// <summary>
/// A member's inbox still to be told that its user joined (receiving messages from
/// <see cref="NextSeq"/> on) or left.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MembershipNotice([property: Id(0)] string UserId, [property: Id(1)] bool Joined, [property: Id(2)] long NextSeq);
