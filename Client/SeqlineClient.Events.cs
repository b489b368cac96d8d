namespace Seqline.Client;

// Handlers are asynchronous delegates rather than EventHandler: the client awaits them, one at a time, in
// sync order, and saves the cursor only after all handlers of a page or push have returned. So a handler
// that stores a message durably before returning never loses it, and a crash or a throwing handler
// re-delivers the page instead of skipping it (at-least-once: deduplicate by conversation id and seq).
public sealed partial class SeqlineClient
{
    /// <summary>A new message arrived (<see cref="SyncEventTypes.Message"/>); raised before <see cref="EventReceived"/>.</summary>
    /// <remarks>
    /// Handlers run on the sync loop, on a thread-pool thread, one at a time and in seq order per conversation.
    /// They may call the client's HTTP methods, but must not await <see cref="SyncAsync"/> (it waits for them).
    /// </remarks>
    public event Func<SyncEvent, Task>? MessageReceived;

    /// <summary>The user's read cursor moved in a conversation, maybe on another device (<see cref="SyncEventTypes.Read"/>).</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? ReadMarkerChanged;

    /// <summary>The sender recalled a message (<see cref="SyncEventTypes.Recall"/>): replace the one at <see cref="SyncEvent.Seq"/> with a tombstone.</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? MessageRecalled;

    /// <summary>The user hid the message at <see cref="SyncEvent.Seq"/>, maybe on another device (<see cref="SyncEventTypes.Hidden"/>).</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? MessageHidden;

    /// <summary>The user cleared the conversation up to <see cref="SyncEvent.Seq"/>, maybe on another device (<see cref="SyncEventTypes.Cleared"/>).</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? ConversationCleared;

    /// <summary>
    /// The user is mentioned at <see cref="SyncEvent.Seq"/> of a read-fan-out conversation (<see cref="SyncEventTypes.Mention"/>).
    /// In write fan-out no such event comes: the message's own <see cref="SyncEvent.Mentions"/> names the user.
    /// </summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? MentionReceived;

    /// <summary>A member of a group got a role (<see cref="SyncEventTypes.Role"/>); every member gets it, in order with the messages.</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? RoleChanged;

    /// <summary>A member renamed a group (<see cref="SyncEventTypes.Title"/>); every member gets it, in order with the messages.</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? TitleChanged;

    /// <summary>
    /// The sender edited the message at <see cref="SyncEvent.TargetSeq"/> (<see cref="SyncEventTypes.Edited"/>): show
    /// <see cref="SyncEvent.Body"/> marked as edited. The event takes a seq of its own, like a message.
    /// </summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? MessageEdited;

    /// <summary>
    /// <see cref="SyncEvent.SenderId"/> reacted with <see cref="SyncEvent.Emoji"/> to the message at <see cref="SyncEvent.TargetSeq"/>,
    /// or took it back when <see cref="SyncEvent.Removed"/> (<see cref="SyncEventTypes.Reaction"/>).
    /// </summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? ReactionChanged;

    /// <summary>Any sync event, known types and types newer than this client alike, after the type-specific event.</summary>
    /// <remarks>Runs on the sync loop, like <see cref="MessageReceived"/>.</remarks>
    public event Func<SyncEvent, Task>? EventReceived;

    /// <summary>
    /// The server could not continue from the device's cursor (first sync, or a checkpoint older than the server
    /// keeps): drop local state and rebuild it from <see cref="SyncPage.Conversations"/>.
    /// </summary>
    /// <remarks>
    /// Runs on the sync loop, like <see cref="MessageReceived"/>. Right after it returns, the client pages the history
    /// of each conversation opened with <see cref="OpenConversation"/> and raises <see cref="MessageReceived"/> (and the notices' events) for
    /// the messages the device missed; the new cursor is saved after that.
    /// </remarks>
    public event Func<SyncPage, Task>? ResetReceived;

    private async Task DeliverAsync(IReadOnlyList<SyncEvent> events)
    {
        foreach (var syncEvent in events)
        {
            var specific = syncEvent.Type switch
            {
                SyncEventTypes.Message => MessageReceived,
                SyncEventTypes.Read => ReadMarkerChanged,
                SyncEventTypes.Recall => MessageRecalled,
                SyncEventTypes.Hidden => MessageHidden,
                SyncEventTypes.Cleared => ConversationCleared,
                SyncEventTypes.Mention => MentionReceived,
                SyncEventTypes.Role => RoleChanged,
                SyncEventTypes.Title => TitleChanged,
                SyncEventTypes.Edited => MessageEdited,
                SyncEventTypes.Reaction => ReactionChanged,
                _ => null,
            };
            await RaiseAsync(specific, syncEvent).ConfigureAwait(false);
            await RaiseAsync(EventReceived, syncEvent).ConfigureAwait(false);
            NoteSeen(syncEvent);
        }
    }

    private static async Task RaiseAsync<T>(Func<T, Task>? handlers, T argument)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Func<T, Task>>())
        {
            await handler(argument).ConfigureAwait(false);
        }
    }
}
