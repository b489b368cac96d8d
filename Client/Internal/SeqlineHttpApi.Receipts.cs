using System.Net.Http.Json;

namespace Seqline.Client.Internal;

// Receipts routes.
internal sealed partial class SeqlineHttpApi
{
    public Task<ConversationReceipts> GetReceiptsAsync(string conversationId, CancellationToken cancellationToken) =>
        GetAsync($"{Conversation(conversationId)}/receipts", PresenceJson.ConversationReceipts, cancellationToken);

    public async Task PostDeliveredAsync(string conversationId, long seq, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"{Conversation(conversationId)}/delivered", new DeliveredRequest(seq), PresenceJson.DeliveredRequest, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await ProblemDetailsReader.ReadAsync(response, time, cancellationToken).ConfigureAwait(false);
    }
}
