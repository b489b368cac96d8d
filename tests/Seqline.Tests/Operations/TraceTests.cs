using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Diagnostics;
using Seqline.Tests.Fixtures;
using Seqline.Timelines;

namespace Seqline.Tests.Operations;

/// <summary>The spans of one send, as a tracing backend would receive them, picked out by their trace id.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task A_send_is_one_trace_from_the_http_request_through_the_grain_call_to_the_append()
    {
        using var data = new TempDirectory();
        // This process listens to spans itself, so it turns on what OTLP export would.
        await using var node = await SeqlineServer.StartNode(data.Path, settings: new Dictionary<string, string?> { ["Seqline:Telemetry:GrainCallTraces"] = "true" });
        using var alice = await ApiUser.SignIn(node, Ids.User("alice"));
        var conversation = await alice.CreateGroup(Ids.User("bob"));

        using var root = new Activity("test send").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var spans = new TraceRecorder(root.TraceId);
        var sent = await alice.Http.PostAsJsonAsync($"api/conversations/{conversation}/messages", new { clientMsgId = "traced", body = "follow me" });
        root.Stop();
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        Activity? append = null;
        await Eventually.True(() => Task.FromResult((append = spans.Find(s => s.OperationName == "timeline append"
            && (string?)s.GetTagItem("seqline.store") == TimelineStoreNames.Conversations)) is not null), TimeSpan.FromSeconds(60), "the append's span");
        var chain = spans.AncestorsOf(append!);
        Assert.Contains(chain, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        Assert.Contains(chain, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Equal(conversation, append!.GetTagItem("seqline.timeline"));
        Assert.Equal(1, append.GetTagItem("seqline.entries"));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public async Task Grain_calls_carry_trace_context_only_when_traces_are_exported_or_asked_for(string? setting, bool filtered)
    {
        // Every filter costs each grain call, and each push to the edge, an invoker: none unless someone reads the traces.
        using var data = new TempDirectory();
        await using var node = await SeqlineServer.StartNode(data.Path, settings: new Dictionary<string, string?> { ["Seqline:Telemetry:GrainCallTraces"] = setting });

        Assert.Equal(filtered, node.Services.GetServices<IIncomingGrainCallFilter>().Any());
        Assert.Equal(filtered, node.Services.GetServices<IOutgoingGrainCallFilter>().Any());
    }

    [Fact]
    public void A_fan_out_span_continues_the_first_send_it_carries_and_links_the_others()
    {
        var sends = Enumerable.Range(0, 3)
            .Select(_ => new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded))
            .ToList();
        using var spans = new TraceRecorder(sends[0].TraceId);

        using (var fanout = SeqlineActivities.StartFanout("c-1", 4, 6, [default, .. sends, sends[1]]))
        {
            Assert.NotNull(fanout);
        }

        var span = Assert.Single(spans.All);
        Assert.Equal("fan-out", span.OperationName);
        Assert.Equal(sends[0].SpanId, span.ParentSpanId);
        Assert.Equal(sends.Skip(1).Select(s => s.SpanId), span.Links.Select(l => l.Context.SpanId));
        Assert.Equal("c-1", span.GetTagItem("seqline.conversation"));
        Assert.Equal(4L, span.GetTagItem("seqline.seq.first"));
        Assert.Equal(6L, span.GetTagItem("seqline.seq.last"));
    }

    /// <summary>Records the finished spans of one trace from ASP.NET Core, Orleans and Seqline; other tests' traces are not sampled.</summary>
    private sealed class TraceRecorder : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _spans = new();
        private readonly ActivityListener _listener;

        public TraceRecorder(ActivityTraceId trace)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or SeqlineDiagnostics.ActivitySourceName
                    || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.TraceId == trace ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
                ActivityStopped = span =>
                {
                    if (span.TraceId == trace) _spans.Enqueue(span);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> All => _spans.ToList();

        public Activity? Find(Func<Activity, bool> match) => _spans.FirstOrDefault(match);

        /// <summary>The span's parents, nearest first, as far as they were recorded.</summary>
        public List<Activity> AncestorsOf(Activity span)
        {
            var byId = _spans.ToDictionary(s => s.SpanId);
            var chain = new List<Activity>();
            for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var next); parent = next.ParentSpanId) chain.Add(next);
            return chain;
        }

        public void Dispose() => _listener.Dispose();
    }
}
