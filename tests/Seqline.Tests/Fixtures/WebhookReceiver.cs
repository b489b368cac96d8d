using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 standing in for an APNs/FCM gateway: Kestrel on a free port,
/// recording every request the node's offline push makes. It can answer 500 to the first requests,
/// or hold every request until released, to see retries and that delivery does not wait for it.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>The key test nodes sign webhook requests with.</summary>
    public const string SigningKey = "seqline-tests-offline-push-key-0123456789";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failuresLeft;
    private int _answered;

    private WebhookReceiver(int failFirst, bool hang)
    {
        _failuresLeft = failFirst;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/push", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var failed = Interlocked.Decrement(ref _failuresLeft) >= 0;
            _requests.Enqueue(new Request(buffer.ToArray(), request.Headers["X-Seqline-Timestamp"].ToString(), request.Headers["X-Seqline-Signature"].ToString(), failed));
            if (hang) await _released.Task;
            Interlocked.Increment(ref _answered);
            return failed ? Results.StatusCode(500) : Results.Ok();
        });
    }

    /// <summary>Starts a receiver that answers 500 to its first <paramref name="failFirst"/> requests, or holds them all while <paramref name="hang"/>.</summary>
    public static async Task<WebhookReceiver> Start(int failFirst = 0, bool hang = false)
    {
        var receiver = new WebhookReceiver(failFirst, hang);
        await receiver._app.StartAsync();
        return receiver;
    }

    public string Url => new Uri(ServerAddress.Of(_app), "push").ToString();

    /// <summary>Every request so far, in arrival order, failed ones included.</summary>
    public IReadOnlyList<Request> Requests => _requests.ToList();

    /// <summary>How many requests were answered (a hanging receiver answers none until released).</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>The requests answered (or to be answered) 200, i.e. what the gateway accepted.</summary>
    public IReadOnlyList<Request> Accepted => _requests.Where(r => !r.Failed).ToList();

    /// <summary>The accepted notices for <paramref name="userId"/>, one list of seqs per request.</summary>
    public List<List<long>> BatchesOf(string userId) => Accepted.Where(r => r.UserId == userId).Select(r => r.Seqs).ToList();

    /// <summary>The settings that point a node's offline push at this receiver.</summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Seqline:OfflinePush:Url"] = Url,
            ["Seqline:OfflinePush:SigningKey"] = SigningKey,
            ["Seqline:OfflinePush:BatchWindow"] = "00:00:00.200",
            ["Seqline:OfflinePush:RetryBaseDelay"] = "00:00:00.100",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One request as it came: its body, timestamp and signature headers, and whether it was answered 500.</summary>
    public sealed record Request(byte[] Body, string Timestamp, string Signature, bool Failed)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

        public string UserId => Json.GetProperty("userId").GetString()!;

        public List<JsonElement> Notifications => Json.GetProperty("notifications").EnumerateArray().ToList();

        public List<long> Seqs => Notifications.Select(n => n.GetProperty("seq").GetInt64()).ToList();

        /// <summary>Whether the signature is the HMAC-SHA256 of "{timestamp}.{body}" under <see cref="SigningKey"/>, computed here independently.</summary>
        public bool IsSignedWith(string key)
        {
            var signed = Encoding.UTF8.GetBytes(Timestamp + ".").Concat(Body).ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), signed));
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Signature));
        }
    }
}
