namespace Seqline.Client;

/// <summary>Events pushed by the server over SignalR.</summary>
/// <remarks>
/// A push is only a shortcut for a pull: it is valid for a client whose cursor is exactly
/// <paramref name="PrevCursor"/>. Any other client ignores it and pulls from its own cursor.
/// </remarks>
/// <param name="Events">The new events, oldest first.</param>
/// <param name="PrevCursor">The cursor the events follow.</param>
/// <param name="Cursor">The cursor after the events.</param>
public sealed record PushBatch(IReadOnlyList<SyncEvent> Events, string PrevCursor, string Cursor);
