using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Silo;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A Seqline process's host, built exactly as the Silo program builds it, on Kestrel at
/// 127.0.0.1 with a free port: either a full node (silo + edge on SQLite files) or an edge alone
/// that is an Orleans client of a node's gateway.
/// </summary>
public sealed class SeqlineServer : IAsyncDisposable
{
    /// <summary>The token signing key of test nodes: 32 bytes or more, as HMAC-SHA256 asks.</summary>
    public const string SigningKey = "seqline-tests-signing-key-0123456789";

    /// <summary>The sync cursor key of test nodes.</summary>
    public const string CursorKey = "seqline-tests-cursor-key";

    /// <summary>The bearer token for <c>/metrics</c> on test nodes (they run as Production, where it is needed).</summary>
    public const string ScrapeToken = "seqline-tests-scrape-token";

    private readonly WebApplication _app;

    private SeqlineServer(WebApplication app, int gatewayPort)
    {
        _app = app;
        GatewayPort = gatewayPort;
        BaseAddress = ServerAddress.Of(app);
    }

    public Uri BaseAddress { get; }
    public int GatewayPort { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<SeqlineServer> StartNode(string dataDirectory, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var gatewayPort = LoopbackPorts.One();
        return Start(gatewayPort, services, new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Seqline:Storage:Sqlite:DataDirectory"] = dataDirectory,
            ["Seqline:Cluster:SiloPort"] = LoopbackPorts.One().ToString(),
            ["Seqline:Cluster:GatewayPort"] = gatewayPort.ToString(),
            ["Seqline:Conversations:FanoutRecoveryPeriod"] = "00:00:02",
        });
    }

    /// <summary>An edge node alone, connected to the node whose gateway is <paramref name="gatewayPort"/>.</summary>
    public static Task<SeqlineServer> StartEdge(int gatewayPort, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null) =>
        Start(gatewayPort, services, new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Seqline:Role"] = "Edge",
            ["Seqline:Cluster:GatewayPort"] = gatewayPort.ToString(),
        });

    /// <remarks>A setting given as null is left unset, so that the product's default applies.</remarks>
    private static async Task<SeqlineServer> Start(int gatewayPort, Action<IServiceCollection>? services, Dictionary<string, string?> settings)
    {
        settings.TryAdd("Urls", "http://127.0.0.1:0");
        settings.TryAdd("Seqline:Auth:SigningKey", SigningKey);
        settings.TryAdd("Seqline:Sync:CursorKey", CursorKey);
        settings.TryAdd("Seqline:Telemetry:ScrapeToken", ScrapeToken);
        settings.TryAdd("Seqline:Auth:DevTokens", "true");
        settings.TryAdd("Seqline:Push:RenewPeriod", "00:00:05");
        settings.TryAdd("Logging:LogLevel:Default", "Warning");
        var app = SeqlineNode.Build(settings.Where(s => s.Value is not null).Select(s => $"--{s.Key}={s.Value}").ToArray(), services);
        await app.StartAsync();
        return new SeqlineServer(app, gatewayPort);
    }

    public HttpClient Http(string? token = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task<string> Token(string userId)
    {
        using var http = Http();
        var response = await http.PostAsJsonAsync("api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!.Token;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private sealed record TokenBody(string Token);
}
