using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Operations;

/// <summary>OTLP export, turned on by the standard variable, received by a collector stand-in on 127.0.0.1.</summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task With_an_otlp_endpoint_set_metrics_traces_and_logs_are_exported_to_it()
    {
        await using var collector = await Collector.Start();
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export within a second rather than the defaults' minute (metrics) and five seconds.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["Logging:LogLevel:Default"] = "Information",
        });
        using var alice = await ApiUser.SignIn(node, Ids.User("alice"));
        var conversation = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(conversation, "exported")).StatusCode);

        await Eventually.True(() => Task.FromResult(collector.Received.Keys.Order().SequenceEqual(["logs", "metrics", "traces"])),
            TimeSpan.FromSeconds(30), "metrics, traces and logs at the collector");
        Assert.All(collector.Received.Values, contentType => Assert.Equal("application/x-protobuf", contentType));
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_no_tracing_is_set_up()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path);
        Assert.Null(node.Services.GetService<TracerProvider>());
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Takes OTLP/HTTP posts (<c>/v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>) and remembers which signals came.</summary>
    private sealed class Collector(WebApplication app) : IAsyncDisposable
    {
        public ConcurrentDictionary<string, string?> Received { get; } = new();

        public string Address => ServerAddress.Of(app).ToString().TrimEnd('/');

        public static async Task<Collector> Start()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new Collector(app);
            app.MapPost("/v1/{signal}", (string signal, HttpRequest request) =>
            {
                collector.Received[signal] = request.ContentType;
                return Results.Ok();
            });
            await app.StartAsync();
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
