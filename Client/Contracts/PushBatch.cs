namespace Seqline.Client;

/// <summary>Events pushed by the server over SignalR.</summary>
/// <remarks>
/// A push is only a shortcut for a pull: it is valid for a client whose cursor is exactly
/// <paramref name="PrevCursor"/>. Any other client ignores it and pulls from its own cursor.
/// </remarks>
/// <param name="Events">The new events, oldest first.</param>
/// <param name="PrevCursor">The cursor the events follow.</param>
/// <param name="Cursor">The cursor after the events.</param>
/// <param name="Receipts">
/// Receipts notices that rode on this push (others' positions moved while the server waited for
/// this user's pace); valid whatever the cursor, raised as <see cref="SeqlineClient.ReceiptsReceived"/>.
/// </param>
public sealed record PushBatch(IReadOnlyList<SyncEvent> Events, string PrevCursor, string Cursor, IReadOnlyList<ReceiptsNotice>? Receipts = null);
