using Microsoft.Extensions.Logging;
using Seqline.Inboxes;
using Seqline.Storage.Rows;

namespace Seqline.Conversations;

/// <summary>
/// What a conversation has stored apart from its messages, and the writes that change it: the
/// grain state (kind, title, fan-out watermark, mode switches, pending recalls), the member rows
/// (mirrored in <see cref="Membership"/>, which takes in only rows that were stored) and the
/// fan-out modes published for inboxes that read the timeline. Rows and state are each written one
/// at a time, so rows computed from the membership see every earlier change and the state's ETag
/// stays in step.
/// <para>
/// It also owns <see cref="Broken"/>: a write whose outcome is unknown (here, or an append of the
/// send path) leaves memory that may disagree with storage, so the activation refuses everything
/// with <c>unavailable</c> and deactivates, and the next one reads storage afresh.
/// </para>
/// </summary>
internal sealed partial class ConversationStore(
    string id,
    IPersistentState<ConversationState> state,
    IRowStore memberRows,
    Action deactivate,
    ILogger logger)
{
    private readonly SemaphoreSlim _rowWrite = new(1, 1);
    private readonly SemaphoreSlim _stateWrite = new(1, 1);

    public string Id => id;

    /// <summary>Created: until then rows of a create that failed half-way tell nobody anything.</summary>
    public bool Exists => state.RecordExists;

    public ConversationState State
    {
        get => state.State;
        set => state.State = value;
    }

    public Membership Membership { get; } = new();

    public FanoutModes Modes => new(state.State.FanoutChanges);

    /// <summary>A group's owner and admins, as the state holds them (set in memory; <see cref="WriteState"/> stores them).</summary>
    public GroupRoles Roles
    {
        get => new(state.State.Owner, state.State.Admins);
        set => (state.State.Owner, state.State.Admins) = (value.Owner, value.Admins.ToList());
    }

    /// <summary>A write's outcome is unknown: this activation answers nothing more and deactivates.</summary>
    public bool Broken { get; private set; }

    public async Task LoadMembers(CancellationToken cancellationToken) =>
        Membership.Apply((await memberRows.ReadAsync(id, cancellationToken)).Select(MemberRow.From));

    /// <summary>Whether the published modes are those of the state (a crash may have come between the two).</summary>
    public async Task<bool> ModesPublished(CancellationToken cancellationToken)
    {
        var published = await memberRows.ReadAsync(FanoutModesRow.OwnerOf(id), FanoutModesRow.Key, cancellationToken);
        return published is not null && FanoutModesRow.From(published).SequenceEqual(state.State.FanoutChanges);
    }

    /// <summary>The conversation as an inbox learns it, for messages from <paramref name="nextSeq"/> on.</summary>
    public ConversationRef Reference(long nextSeq) => new(id, state.State.Kind, state.State.Title, Modes.At(nextSeq), nextSeq);

    /// <summary>Stores rows computed from the current membership, one change at a time; memory follows only what is stored.</summary>
    public async Task UpdateRows(Func<Membership, IReadOnlyList<MemberRow>> change, IReadOnlyCollection<string>? delete = null)
    {
        await _rowWrite.WaitAsync();
        try
        {
            RequireUsable();
            var rows = change(Membership);
            if (rows.Count == 0 && delete is not { Count: > 0 }) return;
            try
            {
                await memberRows.ChangeAsync(id, rows.Where(r => !r.IsGone).Select(r => r.ToRow()).ToList(),
                    rows.Where(r => r.IsGone).Select(r => r.UserId).Concat(delete ?? []).ToList());
            }
            catch (Exception error)
            {
                // Part of a large change may have landed: a new activation reads the rows back.
                Poison(error, "member rows");
                throw Unavailable("The membership change could not be stored; retry it.");
            }
            if (delete is not null) Membership.Apply(delete.Select(u => new MemberRow(u, false, [])));
            Membership.Apply(rows);
        }
        finally
        {
            _rowWrite.Release();
        }
    }

    /// <summary>
    /// The switches, for inboxes that read the timeline; stored after the state and before any
    /// message is given a seq under them (a change holds sends back until it returns).
    /// </summary>
    public async Task PublishModes()
    {
        RequireUsable();
        try
        {
            await memberRows.ChangeAsync(FanoutModesRow.OwnerOf(id), [FanoutModesRow.ToRow(state.State.FanoutChanges)], []);
        }
        catch (Exception error)
        {
            Poison(error, "fan-out modes");
            throw Unavailable("The conversation could not store its fan-out modes; retry.");
        }
    }

    /// <summary>Writes the grain state, one write at a time so the ETag stays in step.</summary>
    public async Task WriteState()
    {
        await _stateWrite.WaitAsync();
        try
        {
            RequireUsable();
            await state.WriteStateAsync();
        }
        catch (Exception error) when (error is not SeqlineException)
        {
            // The state in memory may be ahead of the stored one: start again from what is stored.
            Poison(error, "state");
            throw Unavailable("The conversation could not store its state; retry.");
        }
        finally
        {
            _stateWrite.Release();
        }
    }

    public void Poison(Exception error, string what)
    {
        if (!Broken) LogPoisoned(error, id, what);
        Broken = true;
        deactivate();
    }

    public void RequireUsable()
    {
        if (Broken) throw Unavailable("The conversation is restarting; retry.");
    }

    public void RequireMember(string userId)
    {
        if (!Exists) throw SeqlineException.NotFound($"Conversation '{id}' does not exist.");
        if (!Membership.Contains(userId)) throw SeqlineException.Forbidden($"'{userId}' is not a member of '{id}'.");
    }

    public static SeqlineException Unavailable(string message) => new(ErrorCode.Unavailable, message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the {What} of conversation {ConversationId} failed; it restarts")]
    private partial void LogPoisoned(Exception error, string conversationId, string what);
}
