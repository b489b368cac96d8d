using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// A cluster on Azure Storage without connection strings: the node and an edge are given service
/// URIs only and sign in with DefaultAzureCredential, which gets its tokens from a managed identity
/// endpoint the test serves. Azurite checks the bearer tokens (it takes them over HTTPS only, so it
/// runs with a certificate the processes trust). Every Azure client of the node goes this way:
/// timelines and rows, grain state, reminders, cluster membership, stream queues.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class AzureIdentityTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private readonly string _prefix = "id" + Guid.NewGuid().ToString("N")[..10];
    private LoopbackTls _tls = null!;
    private AzuriteService _tables = null!;
    private AzuriteService _queues = null!;
    private FakeManagedIdentity _identity = null!;

    public async Task InitializeAsync()
    {
        _tls = new LoopbackTls(_files.Path);
        string[] https = ["--cert", _tls.CertificateFile, "--key", _tls.KeyFile, "--oauth", "basic"];
        _tables = await AzuriteService.StartAsync("table", https);
        _queues = await AzuriteService.StartAsync("queue", https);
        _identity = await FakeManagedIdentity.StartAsync();
    }

    [Fact]
    public async Task A_node_and_an_edge_given_service_uris_work_with_default_azure_credential()
    {
        using var nodeData = new TempDirectory();
        using var edgeData = new TempDirectory();
        await using var node = await SiloProcess.StartAsync(nodeData.Path, SiloPorts.Free(), Settings(role: null));
        await using var edge = await SiloProcess.StartAsync(edgeData.Path, SiloPorts.Free(), Settings(role: "Edge"));

        using var alice = Http(node, "alice");
        var created = await alice.PostAsJsonAsync("api/conversations", new { members = new[] { "bob" }, title = "no keys" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("conversationId").GetString();
        foreach (var body in new[] { "one", "two" })
            Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync($"api/conversations/{id}/messages", new { clientMsgId = body, body })).StatusCode);

        // Bob, on the edge, which found the node through the membership table, reads them back.
        using var bob = Http(edge, "bob");
        var history = JsonDocument.Parse(await bob.GetStringAsync($"api/conversations/{id}/messages")).RootElement;
        Assert.Equal([1L, 2L], history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));

        Assert.True(_identity.Issued > 0, "no token was asked of the managed identity endpoint");
        var tables = new List<string>();
        await foreach (var table in TestClient().QueryAsync(t => t.Name.CompareTo(_prefix) >= 0 && t.Name.CompareTo(_prefix + "~") < 0)) tables.Add(table.Name);
        foreach (var name in new[] { "conversations", "inboxes", "members", "index", "state", "reminders", "cluster" })
            Assert.Contains(_prefix + name, tables);
        var queues = new List<string>();
        await foreach (var queue in QueueTestClient().GetQueuesAsync(prefix: _prefix)) queues.Add(queue.Name);
        Assert.NotEmpty(queues);
    }

    // The node as an operator configures it for a managed identity: URIs, no connection strings.
    private Dictionary<string, string> Settings(string? role)
    {
        var settings = new Dictionary<string, string>(_identity.Environment)
        {
            ["SSL_CERT_FILE"] = _tls.AuthorityFile,
            ["Seqline__Storage__Provider"] = "AzureTables",
            ["Seqline__Storage__AzureTables__ServiceUri"] = _tables.Endpoint.ToString(),
            ["Seqline__Storage__AzureTables__TablePrefix"] = _prefix,
            ["Seqline__Fanout__StreamQueues"] = "AzureQueues",
            ["Seqline__Fanout__AzureQueues__ServiceUri"] = _queues.Endpoint.ToString(),
            ["Seqline__Fanout__AzureQueues__QueuePrefix"] = _prefix,
            ["Seqline__Fanout__AzureQueues__QueueCount"] = "2",
            ["Seqline__Cluster__AdvertisedIPAddress"] = "127.0.0.1",
        };
        if (role is not null) settings["Seqline__Role"] = role;
        return settings;
    }

    private static HttpClient Http(SiloProcess process, string userId)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{process.Ports.Http.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Sign(userId, SeqlineServer.SigningKey, DateTime.UtcNow.AddHours(1)));
        return http;
    }

    // The test looks at what the node stored with the account key, over the same HTTPS.
    private TableServiceClient TestClient() =>
        new(_tables.Endpoint, new TableSharedKeyCredential(AzuriteService.AccountName, AzuriteService.AccountKey), new TableClientOptions { Transport = Transport() });

    private QueueServiceClient QueueTestClient() =>
        new(_queues.Endpoint, new Azure.Storage.StorageSharedKeyCredential(AzuriteService.AccountName, AzuriteService.AccountKey), new QueueClientOptions { Transport = Transport() });

    private HttpClientTransport Transport() =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) => _tls.Validate(certificate, chain, errors) });

    public async Task DisposeAsync()
    {
        await _identity.DisposeAsync();
        await _queues.DisposeAsync();
        await _tables.DisposeAsync();
        _tls.Dispose();
        _files.Dispose();
    }
}
