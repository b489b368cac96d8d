using System.Globalization;
using Microsoft.AspNetCore.Http.Connections;
using Seqline.Client;

namespace Seqline.Bench.Infrastructure;

/// <summary>Devices are <see cref="SeqlineClient"/>s, the .NET client library, with the bench's tokens.</summary>
public static class Devices
{
    /// <summary>One HTTP connection pool for every device of a process (the client does not dispose a handler it is given).</summary>
    public static SocketsHttpHandler SharedHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(30),
        MaxConnectionsPerServer = 1024,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// A device of <paramref name="userId"/>. The hub goes straight to WebSockets (no negotiate request), which
    /// halves the sockets a device holds; everything else is the library's defaults except the request timeout.
    /// </summary>
    public static SeqlineClient Create(Uri baseAddress, string userId, HttpMessageHandler handler, int syncPageSize = 200, ICheckpointStore? checkpoints = null,
        bool acknowledgeDeliveries = true)
    {
        var token = Tokens.Bench.For(userId);
        return new SeqlineClient(new SeqlineClientOptions
        {
            BaseAddress = baseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult(token),
            HttpHandler = handler,
            Checkpoints = checkpoints ?? new InMemoryCheckpointStore(),
            SyncPageSize = syncPageSize,
            // The library's default unless a run turns it off.
            AcknowledgeDeliveries = acknowledgeDeliveries ? SeqlineClientOptions.DefaultAcknowledgeDeliveries : null,
            RequestTimeout = TimeSpan.FromSeconds(60),
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            ConfigureHub = http =>
            {
                http.SkipNegotiation = true;
                http.Transports = HttpTransportType.WebSockets;
            },
        });
    }

    /// <summary>Runs <paramref name="action"/> over <paramref name="items"/>, at most <paramref name="concurrency"/> at a time.</summary>
    public static Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> action, Action? done = null) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) =>
        {
            await action(item);
            done?.Invoke();
        });
}

/// <summary>
/// Message bodies that carry what the receiver needs to time them: the phase, the kind of conversation and the
/// monotonic tick the send was due at, padded to a size.
/// </summary>
public static class Bodies
{
    public static string Make(int phase, char kind, long ticks, int bytes)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{phase}|{kind}|{ticks}|");
        return head.Length >= bytes ? head : head + new string('.', bytes - head.Length);
    }

    public static bool TryParse(string? body, out int phase, out char kind, out long ticks)
    {
        phase = 0;
        kind = ' ';
        ticks = 0;
        if (body is null) return false;
        var parts = body.Split('|', 4);
        return parts.Length == 4
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out phase)
            && parts[1].Length == 1 && (kind = parts[1][0]) != ' '
            && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out ticks);
    }
}
