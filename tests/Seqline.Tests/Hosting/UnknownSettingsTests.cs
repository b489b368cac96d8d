using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Seqline.Silo;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// A key under <c>Seqline:</c> that no setting reads changes nothing, so the node says so as it is
/// built, with the setting it most likely meant; every setting docs/configuration.md lists is one a
/// node reads.
/// </summary>
public sealed partial class UnknownSettingsTests
{
    [Theory]
    [InlineData("Seqline:Sqlite:WalAutoCheckpointPages", "Seqline:Storage:Sqlite:WalAutoCheckpointPages")]
    [InlineData("Seqline:Storage:Sqlite:WalAutoCheckpointPage", "Seqline:Storage:Sqlite:WalAutoCheckpointPages")]
    [InlineData("Seqline:Storage:Sqlite:FileName:Extension", null)] // below a value
    [InlineData("Seqline:Cors:AllowedOrigins:first", null)] // a list takes indexes
    [InlineData("Seqline:Nonsense", null)]
    public void A_key_no_setting_reads_is_found_with_what_it_likely_meant(string key, string? meant)
    {
        var found = Assert.Single(UnknownSettings.Find(Configuration(key), NodeSections.Value));

        Assert.Equal(key, found.Key);
        Assert.Equal(meant, found.Meant);
    }

    [Theory]
    [InlineData("Seqline:Storage:Sqlite:WalAutoCheckpointPages")]
    [InlineData("seqline:storage:sqlite:writercachemib")] // keys are case-insensitive
    [InlineData("Seqline:Cors:AllowedOrigins:0")]
    [InlineData("Seqline:Telemetry:GrainCallTraces")] // read before the container exists
    [InlineData("Seqline:Dashboard:Enabled")]
    [InlineData("Seqline:Role")]
    public void A_setting_is_not_reported(string key) =>
        Assert.Empty(UnknownSettings.Find(Configuration(key), NodeSections.Value));

    [Fact]
    public void Every_setting_in_the_configuration_reference_is_read_by_a_node()
    {
        var documented = DocumentedSettings().ToList();
        Assert.True(documented.Count > 50, $"only {documented.Count} settings found in docs/configuration.md: has its layout changed?");

        var unknown = UnknownSettings.Find(Configuration([.. documented]), NodeSections.Value);

        Assert.True(unknown.Count == 0, "docs/configuration.md lists settings no node reads: " + string.Join(", ", unknown.Select(u => u.Key)));
    }

    [Fact]
    public void A_node_built_with_a_misplaced_key_warns_naming_it_and_the_setting_meant_and_nothing_else()
    {
        var logs = new CapturedWarnings();
        using (SeqlineNode.Build(UnstartedNode.Args(new() { ["Seqline:Sqlite:WalAutoCheckpointPages"] = "500" }), services => services.AddSingleton<ILoggerProvider>(logs)))
        {
        }

        var warning = Assert.Single(logs.Messages);
        Assert.Contains("Seqline:Sqlite:WalAutoCheckpointPages is not a Seqline setting", warning, StringComparison.Ordinal);
        Assert.Contains("did you mean Seqline:Storage:Sqlite:WalAutoCheckpointPages?", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void An_edge_only_node_knows_the_settings_only_silos_read()
    {
        // One configuration is often shared by both roles (a ConfigMap, a settings file).
        using var edge = SeqlineNode.Build(UnstartedNode.Args(new() { ["Seqline:Role"] = "Edge" }));
        var declared = edge.Services.GetServices<SettingsSection>();

        Assert.Empty(UnknownSettings.Find(Configuration("Seqline:Conversations:RecallWindow", "Seqline:OfflinePush:Url", "Seqline:Retention:SyncTimeline"), declared));
        Assert.Single(UnknownSettings.Find(Configuration("Seqline:Conversations:RecalWindow"), declared));
    }

    // What a node of each role declares: the node's and the edge-only node's sections together.
    private static readonly Lazy<IReadOnlyList<SettingsSection>> NodeSections = new(() =>
    {
        using var node = SeqlineNode.Build(UnstartedNode.Args([]));
        using var edge = SeqlineNode.Build(UnstartedNode.Args(new() { ["Seqline:Role"] = "Edge" }));
        return [.. node.Services.GetServices<SettingsSection>().Concat(edge.Services.GetServices<SettingsSection>()).Distinct()];
    });

    private static IConfiguration Configuration(params string[] keys) =>
        new ConfigurationBuilder().AddInMemoryCollection(keys.Select(key => new KeyValuePair<string, string?>(key, "1"))).Build();

    // "## Storage — `Seqline:Storage`" opens a section; each table row's first cell names its settings in backticks.
    private static IEnumerable<string> DocumentedSettings()
    {
        string? section = null;
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Root(), "docs", "configuration.md")))
        {
            if (line.StartsWith("#", StringComparison.Ordinal))
            {
                // A heading naming several sections has rows relative to Seqline: (`Auth:Audience`).
                var named = SectionName().Matches(line);
                section = named.Count switch { 0 => null, 1 => named[0].Groups[1].Value, _ => UnknownSettings.Root };
            }
            else if (section is not null && line.StartsWith("| `", StringComparison.Ordinal))
                foreach (Match name in Backticked().Matches(line.Split('|')[1]))
                    yield return $"{section}:{name.Groups[1].Value}";
        }
    }

    [GeneratedRegex(@"`(Seqline:[A-Za-z]+)`")]
    private static partial Regex SectionName();

    [GeneratedRegex(@"`([A-Za-z][A-Za-z0-9:]*)`")]
    private static partial Regex Backticked();

    private sealed class CapturedWarnings : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages.Where(m => m.Contains("is not a Seqline setting", StringComparison.Ordinal));

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
