using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Seqline.Client.Internal;

// The protocol's HTTP routes, one method each. Retrying is the caller's decision: only it knows what is safe to repeat.
internal sealed partial class SeqlineHttpApi(HttpClient http, TimeProvider time)
{
    private static SeqlineJsonContext Json => SeqlineJsonContext.Default;

    public Task<Conversation> CreateConversationAsync(CreateConversationRequest request, CancellationToken cancellationToken) =>
        PostAsync("api/conversations", request, Json.CreateConversationRequest, Json.Conversation, cancellationToken);

    public Task<Conversation> ChangeMembersAsync(string conversationId, ChangeMembersRequest request, CancellationToken cancellationToken) =>
        PostAsync($"{Conversation(conversationId)}/members", request, Json.ChangeMembersRequest, Json.Conversation, cancellationToken);

    public Task<Conversation> GetConversationAsync(string conversationId, CancellationToken cancellationToken) =>
        GetAsync(Conversation(conversationId), Json.Conversation, cancellationToken);

    public Task<Conversation> SetRoleAsync(string conversationId, string userId, SetRoleRequest request, CancellationToken cancellationToken) =>
        PutAsync($"{Conversation(conversationId)}/members/{Uri.EscapeDataString(userId)}/role", request, Json.SetRoleRequest, Json.Conversation, cancellationToken);

    public Task<Conversation> SetTitleAsync(string conversationId, SetTitleRequest request, CancellationToken cancellationToken) =>
        PutAsync($"{Conversation(conversationId)}/title", request, Json.SetTitleRequest, Json.Conversation, cancellationToken);

    public Task<IReadOnlyList<ConversationSummary>> GetConversationsAsync(CancellationToken cancellationToken) =>
        GetAsync("api/conversations", Json.IReadOnlyListConversationSummary, cancellationToken);

    /// <summary>The server's name for the header that lists the conversations of a send's acknowledgements it skipped.</summary>
    public const string DeliveredSkippedHeader = "Seqline-Delivered-Skipped";

    /// <returns>The receipt, and the conversations of <see cref="SendMessageRequest.Delivered"/> the server skipped.</returns>
    public async Task<(SendReceipt Receipt, string[] Skipped)> SendMessageAsync(string conversationId, SendMessageRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"{Conversation(conversationId)}/messages") { Content = JsonContent.Create(request, Json.SendMessageRequest) };
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var receipt = await ReadAsync(response, Json.SendReceipt, cancellationToken).ConfigureAwait(false);
        var skipped = response.Headers.TryGetValues(DeliveredSkippedHeader, out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray()
            : [];
        return (receipt, skipped);
    }

    public Task<MessagePage> GetMessagesBeforeAsync(string conversationId, long? before, int limit, CancellationToken cancellationToken) =>
        GetAsync(
            before is null
                ? $"{Conversation(conversationId)}/messages?limit={limit}"
                : $"{Conversation(conversationId)}/messages?before={before}&limit={limit}",
            Json.MessagePage,
            cancellationToken);

    public Task<MessagePage> GetMessagesAfterAsync(string conversationId, long after, int limit, CancellationToken cancellationToken) =>
        GetAsync($"{Conversation(conversationId)}/messages?after={after}&limit={limit}", Json.MessagePage, cancellationToken);

    public Task<Message> RecallAsync(string conversationId, long seq, CancellationToken cancellationToken) =>
        PostAsync($"{Conversation(conversationId)}/messages/{seq}/recall", Json.Message, cancellationToken);

    public Task<Message> EditAsync(string conversationId, long seq, EditMessageRequest request, CancellationToken cancellationToken) =>
        PutAsync($"{Conversation(conversationId)}/messages/{seq}", request, Json.EditMessageRequest, Json.Message, cancellationToken);

    public async Task<Message> ReactAsync(string conversationId, long seq, string emoji, bool add, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(add ? HttpMethod.Put : HttpMethod.Delete,
            $"{Conversation(conversationId)}/messages/{seq}/reactions/{Uri.EscapeDataString(emoji)}");
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, Json.Message, cancellationToken).ConfigureAwait(false);
    }

    public Task<ConversationSummary> MarkReadAsync(string conversationId, long seq, CancellationToken cancellationToken) =>
        PostSeqAsync(conversationId, "read", seq, cancellationToken);

    public Task<ConversationSummary> HideAsync(string conversationId, long seq, CancellationToken cancellationToken) =>
        PostSeqAsync(conversationId, "hide", seq, cancellationToken);

    public Task<ConversationSummary> ClearAsync(string conversationId, long seq, CancellationToken cancellationToken) =>
        PostSeqAsync(conversationId, "clear", seq, cancellationToken);

    public async Task<ConversationSummary> MuteAsync(string conversationId, bool muted, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync($"{Conversation(conversationId)}/mute", new MuteRequest(muted), Json.MuteRequest, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, Json.ConversationSummary, cancellationToken).ConfigureAwait(false);
    }

    public Task<SyncPage> SyncAsync(string? cursor, int limit, CancellationToken cancellationToken) =>
        GetAsync(
            cursor is null ? $"api/sync?limit={limit}" : $"api/sync?cursor={Uri.EscapeDataString(cursor)}&limit={limit}",
            Json.SyncPage,
            cancellationToken);

    private static string Conversation(string conversationId) => $"api/conversations/{Uri.EscapeDataString(conversationId)}";

    // Read markers, hiding and clearing: a seq in, the conversation's row of the list out.
    private Task<ConversationSummary> PostSeqAsync(string conversationId, string action, long seq, CancellationToken cancellationToken) =>
        PostAsync($"{Conversation(conversationId)}/{action}", new SeqRequest(seq), Json.SeqRequest, Json.ConversationSummary, cancellationToken);

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    private Task<T> PostAsync<TRequest, T>(
        string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<T> responseType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, request, requestType, responseType, cancellationToken);

    private Task<T> PutAsync<TRequest, T>(
        string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<T> responseType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, request, requestType, responseType, cancellationToken);

    private async Task<T> SendAsync<TRequest, T>(HttpMethod method,
        string path, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(method, path) { Content = JsonContent.Create(request, requestType) };
        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    // A call whose route says everything, e.g. a recall.
    private async Task<T> PostAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(path, content: null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, responseType, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemDetailsReader.ReadAsync(response, time, cancellationToken).ConfigureAwait(false);
        }

        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException($"The server answered {(int)response.StatusCode} without a body.");
    }
}
