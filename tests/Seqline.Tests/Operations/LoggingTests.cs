using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Operations;

/// <summary>Console logs as an operator gets them: JSON when asked, and without a Polly line per grain activation.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task A_node_told_to_log_json_writes_a_json_object_per_line_and_no_polly_attempts()
    {
        using var data = new TempDirectory();
        await using var node = await SiloProcess.StartAsync(data.Path, SiloPorts.Free(), new Dictionary<string, string>
        {
            ["Seqline__Logging__Format"] = "Json",
            // Request lines, which the node's appsettings.json holds to warnings: the test's marker.
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        var alice = Ids.User("alice");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.Ports.Http}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Sign(alice, SeqlineServer.SigningKey, DateTime.UtcNow.AddHours(1)));

        // Every grain activated here is placed through Orleans' Polly pipeline.
        var created = await http.PostAsJsonAsync("api/conversations", new { members = new[] { Ids.User("bob"), Ids.User("carol") } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var conversation = (await ApiUser.Json(created)).GetProperty("conversationId").GetString();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync($"api/conversations/{conversation}/messages", new { clientMsgId = "m1", body = "hi" })).StatusCode);
        // A request is logged after whatever it caused, and the console writes in order: once this one is out, so is the rest.
        var marker = Ids.ClientMsg();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"api/marker-{marker}")).StatusCode);
        try
        {
            await Eventually.True(() => Task.FromResult(node.Output.Contains($"marker-{marker}")), TimeSpan.FromSeconds(30), "the marker request's log line");
        }
        catch (Exception timeout) when (timeout is not InvalidOperationException)
        {
            throw node.Failure(timeout.Message);
        }

        var entries = node.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                return (Category: json.RootElement.GetProperty("Category").GetString()!, Level: json.RootElement.GetProperty("LogLevel").GetString()!);
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException)
            {
                throw new Xunit.Sdk.XunitException($"Not a JSON log entry: {line}");
            }
        }).ToList();
        Assert.Contains(entries, e => e.Category == "Microsoft.Hosting.Lifetime" && e.Level == "Information");
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Category == "Polly");
    }

    [Fact]
    public async Task Polly_attempts_are_held_to_warnings_unless_configuration_asks_for_them()
    {
        Assert.Empty(await PollyEntriesBelowWarning(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" }));
        Assert.NotEmpty(await PollyEntriesBelowWarning(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Polly"] = "Information",
        }));
    }

    private static async Task<List<LogLevel>> PollyEntriesBelowWarning(Dictionary<string, string?> settings)
    {
        using var data = new TempDirectory();
        var captured = new CapturedLogs();
        await using (var node = await SeqlineServer.StartNode(data.Path, services => services.AddSingleton<ILoggerProvider>(captured), settings))
        {
            using var alice = await ApiUser.SignIn(node, Ids.User("alice"));
            await alice.CreateGroup(Ids.User("bob"), Ids.User("carol"));
        }
        return captured.Entries.Where(e => e.Category == "Polly" && e.Level < LogLevel.Warning).Select(e => e.Level).ToList();
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel));
        }
    }
}
