using Seqline.Tests.Fixtures;
using Xunit.Abstractions;

namespace Seqline.Tests.Web;

/// <summary>
/// One node for the web client's tests, with send limits that let a script seed history quickly
/// and read fan-out for groups of more than three, and one browser that the scenarios share.
/// Starting it clears the screenshots of an earlier run.
/// </summary>
public sealed class WebNodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public SeqlineServer Server { get; private set; } = null!;

    public BrowserServer Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Directory.Exists(BrowserScenario.ScreenshotDirectory)) Directory.Delete(BrowserScenario.ScreenshotDirectory, recursive: true);
        Server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:RateLimits:SendBurst"] = "1000",
            ["Seqline:RateLimits:SendsPerSecond"] = "1000",
            // These tests are about the browser, not durability: no fsync wait per commit, so that a
            // suite busy on the disk elsewhere does not slow every step of the scenarios.
            ["Seqline:Storage:Sqlite:Synchronous"] = "Normal",
            // Groups of more than 3 get read fan-out, so that one scenario can look at a "large" group.
            ["Seqline:Fanout:ReadFanoutAbove"] = "3",
            ["Seqline:Fanout:WriteFanoutAtOrBelow"] = "2",
        });
        Browser = await BrowserServer.Start();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        await Server.DisposeAsync();
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class WebClientCollection : ICollectionFixture<WebNodeFixture>
{
    public const string Name = "Web client";
}

/// <summary>
/// The web client served by a node (web/, at the node's root URL) in headless Chromium: each test
/// is one script in web/e2e against this class's node, with unique users. Screenshots of the main
/// screens go to TestResults/screenshots.
/// </summary>
[Collection(WebClientCollection.Name)]
public sealed class WebClientTests(WebNodeFixture node, ITestOutputHelper output)
{
    [Fact]
    public Task Two_users_chat_both_ways_by_push_and_the_unread_badge_rises_and_clears() => Scenario("chat");

    [Fact]
    public Task One_user_on_two_devices_sees_the_same_conversation_and_read_state() => Scenario("devices");

    [Fact]
    public Task A_reload_shows_the_conversation_from_IndexedDB_catches_up_and_sends_its_outbox_once() => Scenario("reload");

    [Fact]
    public Task Scrolling_back_loads_older_history_down_to_the_first_message() => Scenario("history");

    [Fact]
    public Task A_network_cut_and_restored_loses_nothing_and_doubles_nothing() => Scenario("offline");

    [Fact]
    public Task A_lost_push_is_noticed_by_its_cursor_and_the_message_is_pulled_once() => Scenario("lost-push");

    [Fact]
    public Task A_dropped_socket_reconnects_by_itself_and_pulls_what_it_missed() => Scenario("reconnect");

    [Fact]
    public Task A_large_group_on_read_fan_out_looks_no_different() => Scenario("large-group");

    [Fact]
    public Task The_members_panel_shows_roles_offers_only_allowed_actions_and_changes_reach_both_screens() => Scenario("roles");

    [Fact]
    public Task Edits_and_reactions_from_the_message_menu_reach_both_screens_and_are_never_unread() => Scenario("edits");

    [Fact]
    public Task Typing_shows_and_goes_out_by_itself_and_the_peer_shows_online_then_last_seen() => Scenario("presence");

    [Fact]
    public Task A_reply_from_the_message_menu_shows_its_quote_and_images_files_and_unknown_types_render_with_a_fallback() => Scenario("replies");

    [Fact]
    public Task Ticks_go_from_sent_to_delivered_to_read_a_group_message_says_who_read_it_and_a_conversation_mutes_from_its_menu() => Scenario("receipts");

    [Fact]
    public Task Settings_from_the_users_name_stop_read_receipts_both_ways_and_hide_presence_and_a_failed_save_puts_the_toggle_back() => Scenario("settings");

    private async Task Scenario(string name)
    {
        var (exitCode, text) = await BrowserScenario.Run(name, node.Server.BaseAddress, node.Browser);
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"web/e2e/{name}.mjs exited with {exitCode}:{Environment.NewLine}{text}");
    }
}
