using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Seqline.Api.Auth;
using Seqline.Api.Operations;
using Seqline.Api.Push;
using Seqline.Inboxes;
using Seqline.Presence;
using Seqline.Receipts;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace Seqline.Api.Endpoints;

/// <summary>
/// Receipts others see: the other members' read and delivered positions in a conversation, and a
/// device's acknowledgement that it has the messages up to a seq (what moves the delivered position
/// when messages arrive by push rather than by pull). Refusals as for any conversation call.
/// </summary>
internal static class ReceiptEndpoints
{
    public static RouteGroupBuilder MapReceiptEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/conversations/{id}").RequireAuthorization().RefusesAnyCall().WithTags("Receipts");
        api.MapGet("/receipts", GetReceipts)
            .WithName(nameof(GetReceipts))
            .WithSummary("The other members' read and delivered positions")
            .WithDescription("Direct conversations and groups up to Seqline:Receipts:MaxGroupSize members in write fan-out; otherwise available is false with a reason.")
            .Refuses(Status400BadRequest, Status404NotFound);
        api.MapPost("/delivered", AcknowledgeDelivered)
            .WithName(nameof(AcknowledgeDelivered))
            .WithSummary("A device has the messages up to seq")
            .WithDescription("Moves the caller's delivered position (forward only, up to the last seq); the other members' devices get a receipts event.")
            .Refuses(Status400BadRequest, Status404NotFound);
        return api;
    }

    public static async Task<Ok<ReceiptsView>> GetReceipts(string id, [AsParameters] Caller caller) =>
        TypedResults.Ok(await ReceiptCalls.Get(caller.Grains, caller.Id, id));

    public static async Task<NoContent> AcknowledgeDelivered(string id, SeqRequest request, [AsParameters] Caller caller)
    {
        await ReceiptCalls.Delivered(caller.Grains, caller.Id, id, request.Seq ?? throw SeqlineException.Invalid("seq is required."));
        return TypedResults.NoContent();
    }
}

/// <summary>The receipts calls, the same for HTTP and the hub.</summary>
public static class ReceiptCalls
{
    /// <summary>The most conversations one batched acknowledgement (hub <c>DeliveredMany</c>) may name.</summary>
    public const int MaxPositionsPerCall = 256;

    /// <summary>What <paramref name="userId"/> may see of the others' positions; none of the read ones when the user hides their own.</summary>
    public static Task<ReceiptsView> Get(IGrainFactory grains, string userId, string? conversationId) =>
        grains.AsMember(userId, conversationId, async c =>
        {
            var settings = await grains.Reference<IInboxPresence>(userId).GetSettings();
            return await grains.Reference<IConversationReceipts>(c.GetPrimaryKeyString()).Get(userId, settings.HideReadReceipts);
        });

    /// <summary>A device of <paramref name="userId"/> has the conversation's messages up to <paramref name="seq"/>.</summary>
    public static Task Delivered(IGrainFactory grains, string userId, string? conversationId, long seq) =>
        grains.InInbox(userId, conversationId, async (_, id) =>
        {
            await grains.Reference<IInboxReceipts>(userId).Delivered(id, seq);
            return true;
        });

    /// <summary>The response header of a send that names the conversations of its <c>delivered</c> positions the node skipped.</summary>
    public const string SkippedHeader = "Seqline-Delivered-Skipped";

    /// <summary>
    /// Acknowledgements riding on a send (its <c>delivered</c> field), checked as <see cref="CheckPositions"/>
    /// does before the send: none is fine, a bad one refuses the send. Null when there are none.
    /// </summary>
    public static IReadOnlyList<DeliveredPosition>? CheckRiding(IReadOnlyList<DeliveredPosition>? positions) =>
        positions is null or { Count: 0 } ? null : CheckPositions(positions);

    /// <summary>
    /// Keeps a device's acknowledgements as far as this node pushed them (<see cref="AcknowledgementBook.Add"/>),
    /// counted by what carried them: <see cref="EdgeMetrics.ByMessage"/> or <see cref="EdgeMetrics.BySend"/>.
    /// </summary>
    /// <returns>The conversations skipped.</returns>
    public static IReadOnlyList<string> Keep(AcknowledgementBook book, EdgeMetrics metrics, string carrier, string userId, IReadOnlyList<DeliveredPosition> positions)
    {
        metrics.Acknowledgements(carrier);
        return book.Add(userId, positions);
    }

    /// <summary>
    /// A batched acknowledgement checked as a whole before anything of it is kept: at least one and at
    /// most <see cref="MaxPositionsPerCall"/> positions, each a valid conversation id and a seq not negative.
    /// What counts of it is left to the edge node: only what it pushed to the user (<see cref="Push.AcknowledgementBook"/>).
    /// </summary>
    public static IReadOnlyList<DeliveredPosition> CheckPositions(IReadOnlyList<DeliveredPosition>? positions)
    {
        if (positions is null || positions.Count == 0) throw SeqlineException.Invalid("positions are required.");
        if (positions.Count > MaxPositionsPerCall) throw SeqlineException.Invalid($"At most {MaxPositionsPerCall} positions per call; {positions.Count} were given.");
        foreach (var position in positions)
        {
            if (position is null) throw SeqlineException.Invalid("A position is required in each entry.");
            ConversationAccess.RequireId(position.ConversationId);
            if (position.Seq < 0) throw SeqlineException.Invalid("seq must not be negative.");
        }
        return positions;
    }
}
