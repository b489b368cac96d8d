using Seqline.Silo;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// Every setting is checked as the node starts: a wrong value stops it with a sentence naming the
/// setting (which the Silo program prints as its one line), before it serves anything.
/// </summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Theory]
    [InlineData("Seqline:Limits:DefaultPageSize", "0")]
    [InlineData("Seqline:Limits:MaxPageSize", "-1")]
    [InlineData("Seqline:Push:ObserverExpiry", "00:00:00")]
    [InlineData("Seqline:RateLimits:SendBurst", "0")]
    [InlineData("Seqline:Presence:TypingInterval", "00:00:00")]
    [InlineData("Seqline:Presence:TypingExpiry", "00:00:01")]
    [InlineData("Seqline:Presence:TypingMaxMembers", "1")]
    [InlineData("Seqline:Receipts:MaxGroupSize", "1")]
    [InlineData("Seqline:Receipts:Interval", "00:00:00")]
    [InlineData("Seqline:Receipts:BusyInterval", "00:00:01")]
    [InlineData("Seqline:Receipts:SaveInterval", "-00:00:01")]
    [InlineData("Seqline:Auth:SigningKey", "too-short")]
    [InlineData("Seqline:Auth:DevTokenLifetime", "-00:00:01")]
    [InlineData("Seqline:Auth:Authority", "not a url")]
    [InlineData("Seqline:Sync:CheckpointEvents", "0")]
    [InlineData("Seqline:Sync:CursorKey", SyncOptionsDevelopmentKey)]
    [InlineData("Seqline:Conversations:MaxCommitBatch", "0")]
    [InlineData("Seqline:Conversations:DedupeWindow", "0")]
    [InlineData("Seqline:Fanout:WriteFanoutAtOrBelow", "300")]
    [InlineData("Seqline:Retention:TrimBatchRows", "0")]
    [InlineData("Seqline:Retention:SyncTimeline", "00:00:00")]
    [InlineData("Seqline:Storage:Sqlite:MaxWritesPerCommit", "0")]
    [InlineData("Seqline:Storage:Sqlite:WalAutoCheckpointPages", "0")]
    [InlineData("Seqline:Storage:Sqlite:WriterCacheMiB", "0")]
    [InlineData("Seqline:Storage:AzureTables:TablePrefix", "not-letters")]
    [InlineData("Seqline:Cluster:AdvertisedIPAddress", "not-an-address")]
    [InlineData("Seqline:Telemetry:ScrapeToken", "short")]
    [InlineData("Seqline:Telemetry:PrometheusPath", "metrics")]
    [InlineData("Seqline:Telemetry:AnonymousScrape", "true")] // beside the test nodes' scrape token: a contradiction
    [InlineData("Seqline:Cors:AllowedOrigins:0", "*")]
    [InlineData("Seqline:Cors:AllowedOrigins:0", "https://chat.example.com/app")]
    [InlineData("Seqline:Cors:AllowedOrigins:0", "chat.example.com")]
    public async Task A_wrong_value_stops_the_node_naming_the_setting(string key, string value)
    {
        var reason = await StartFailure(new Dictionary<string, string?> { [key] = value });

        Assert.Contains(key, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_forms_of_the_signing_key_at_once_or_a_base64_key_that_is_not_base64_are_refused()
    {
        Assert.Contains("SigningKeyBase64 are both set", await StartFailure(new Dictionary<string, string?>
        {
            ["Seqline:Auth:SigningKeyBase64"] = Convert.ToBase64String(new byte[32]),
        }), StringComparison.Ordinal);
        Assert.Contains("SigningKeyBase64 is not base64", await StartFailure(new Dictionary<string, string?>
        {
            ["Seqline:Auth:SigningKey"] = null,
            ["Seqline:Auth:SigningKeyBase64"] = "not*base64*at*all*",
        }), StringComparison.Ordinal);
    }

    /// <summary>Azure Storage is named once per service: a connection string, or an https service URI for DefaultAzureCredential.</summary>
    [Theory]
    [InlineData(null, null, null, "Seqline:Storage:AzureTables:ServiceUri (signed in to with DefaultAzureCredential) or Seqline:Storage:AzureTables:ConnectionString is not set")]
    [InlineData("UseDevelopmentStorage=true", "https://account.table.core.windows.net", null, "Seqline:Storage:AzureTables:ConnectionString and Seqline:Storage:AzureTables:ServiceUri are both set")]
    [InlineData(null, "http://account.table.core.windows.net", null, "Seqline:Storage:AzureTables:ServiceUri must be an https URL")]
    [InlineData(null, "https://account.table.core.windows.net", "AzureQueues", "Seqline:Fanout:AzureQueues:ServiceUri (signed in to with DefaultAzureCredential) or Seqline:Fanout:AzureQueues:ConnectionString is not set")]
    public async Task An_azure_service_needs_one_way_in(string? connectionString, string? serviceUri, string? streamQueues, string expected)
    {
        var reason = await StartFailure(new Dictionary<string, string?>
        {
            ["Seqline:Storage:Provider"] = "AzureTables",
            ["Seqline:Storage:AzureTables:ConnectionString"] = connectionString,
            ["Seqline:Storage:AzureTables:ServiceUri"] = serviceUri,
            ["Seqline:Fanout:StreamQueues"] = streamQueues,
        });

        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_not_of_its_type_stops_the_node_naming_the_setting()
    {
        var reason = await StartFailure(new Dictionary<string, string?> { ["Seqline:Limits:MaxBodyBytes"] = "lots" });

        Assert.Contains("Seqline:Limits:MaxBodyBytes", reason, StringComparison.Ordinal);
    }

    private const string SyncOptionsDevelopmentKey = Seqline.Hosting.SyncOptions.DevelopmentCursorKey;

    // The one line the Silo program would print for the node's failure to start.
    private async Task<string> StartFailure(Dictionary<string, string?> settings)
    {
        SeqlineServer? started = null;
        var error = await Record.ExceptionAsync(async () => started = await SeqlineServer.StartNode(_data.Path, settings: settings));
        if (started is not null) await started.DisposeAsync();
        Assert.NotNull(error);
        var reason = StartupFailure.Explain(error);
        Assert.True(reason is not null, $"not a settings failure: {error}");
        Assert.DoesNotContain('\n', reason);
        return reason;
    }

    public void Dispose() => _data.Dispose();
}
