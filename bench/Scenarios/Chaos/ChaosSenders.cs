using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Seqline.Bench.Infrastructure;

namespace Seqline.Bench.Scenarios.Chaos;

/// <summary>One message a sender tried to send, and what came of it.</summary>
public sealed class SentMessage(string conversationId, string senderId, string clientMsgId, string body)
{
    public string ConversationId { get; } = conversationId;
    public string SenderId { get; } = senderId;
    public string ClientMsgId { get; } = clientMsgId;
    public string Body { get; } = body;
    public int Attempts { get; set; }
    public long? AckedSeq { get; set; }
    public bool AckedAsDuplicate { get; set; }
    public string? Rejected { get; set; }
}

/// <summary>
/// Senders over HTTP against the silos' edges: each message keeps its clientMsgId across every retry, and
/// each retry goes to the next edge, so a killed node only costs a retry.
/// </summary>
internal sealed class ChaosSenders(IReadOnlyList<Uri> edges, ChaosOptions options)
{
    private readonly SocketsHttpHandler _handler = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(3),
    };

    public ConcurrentQueue<SentMessage> Messages { get; } = new();
    public ConcurrentQueue<double> AckTimes { get; } = new();
    public long Retries;

    public async Task<string> CreateGroupAsync(string creator, IReadOnlyList<string> members)
    {
        using var http = Client(creator);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.PostAsJsonAsync(new Uri(edges[attempt % edges.Count], "api/conversations"), new { members, title = "chaos" });
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadFromJsonAsync<Created>())!.ConversationId;
            }
            catch (Exception) when (attempt < 10)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>One sender: a message at a time, paced at <paramref name="interval"/>, until <paramref name="stop"/>.</summary>
    public async Task RunAsync(string conversationId, string senderId, TimeSpan interval, Stopwatch clock, CancellationToken stop, int seed)
    {
        using var http = Client(senderId);
        var random = new Random(seed);
        var next = clock.Elapsed + TimeSpan.FromTicks((long)(interval.Ticks * random.NextDouble()));
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, stop); }
                catch (OperationCanceledException) { return; }
            }
            next = TimeSpan.FromTicks(Math.Max(next.Ticks + interval.Ticks, clock.Elapsed.Ticks));
            var message = new SentMessage(conversationId, senderId, $"{senderId}-{n}", $"{senderId} #{n} in {conversationId}");
            Messages.Enqueue(message);
            await SendAsync(http, message, clock, random);
        }
    }

    private async Task SendAsync(HttpClient http, SentMessage message, Stopwatch clock, Random random)
    {
        var deadline = Stopwatch.StartNew();
        var first = random.Next(edges.Count);
        for (var attempt = 0; deadline.Elapsed < options.MessageDeadline; attempt++)
        {
            message.Attempts++;
            if (attempt > 0) Interlocked.Increment(ref Retries);
            var edge = edges[(first + attempt) % edges.Count];
            TimeSpan? retryAfter = null;
            try
            {
                using var timeout = new CancellationTokenSource(options.AttemptTimeout);
                using var response = await http.PostAsJsonAsync(new Uri(edge, $"api/conversations/{message.ConversationId}/messages"),
                    new { clientMsgId = message.ClientMsgId, body = message.Body }, timeout.Token);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    var receipt = (await response.Content.ReadFromJsonAsync<Receipt>(timeout.Token))!;
                    message.AckedSeq = receipt.Seq;
                    message.AckedAsDuplicate = receipt.Duplicate;
                    AckTimes.Enqueue(clock.Elapsed.TotalSeconds);
                    return;
                }
                if (response.StatusCode == HttpStatusCode.TooManyRequests) retryAfter = response.Headers.RetryAfter?.Delta;
                else if ((int)response.StatusCode is >= 400 and < 500)
                {
                    // A refusal changes nothing and a retry would be refused again: the message is not sent.
                    message.Rejected = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException or IOException)
            {
                // The edge is down or the call timed out: the next edge gets the same clientMsgId.
            }
            await Task.Delay(retryAfter ?? TimeSpan.FromMilliseconds(Math.Min(1000, 50 * (attempt + 1)) + random.Next(50)));
        }
    }

    private HttpClient Client(string userId)
    {
        var http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Bench.For(userId));
        return http;
    }

    private sealed record Created(string ConversationId);

    private sealed record Receipt(string ConversationId, long Seq, bool Duplicate);
}
