namespace Seqline.Inboxes;

/// <summary>
/// A user's inbox: the sync timeline every device of the user pulls from its own cursor, and the
/// user's conversation index. Keyed by user id. It plays four roles, each its own interface, and
/// callers ask for the narrowest: <see cref="IInboxOwner"/> (the user's devices, through the edge
/// or another .NET service on the user's behalf), <see cref="IInboxDelivery"/> (conversations'
/// fan-out), <see cref="IInboxPush"/> (the push edge) and
/// <see cref="IInboxPresence"/> (typing and presence), <see cref="IInboxReceipts"/> (receipts others see). This interface is the grain's whole surface,
/// for tests and tools.
/// </summary>
[Alias("Seqline.Inboxes.IInboxGrain")]
public interface IInboxGrain : IInboxOwner, IInboxDelivery, IInboxPush, IInboxPresence, IInboxReceipts;
