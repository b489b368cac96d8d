using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Seqline.Hosting;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Fanout;

/// <summary>
/// The conversation streams' pulling agents poll as often as <c>Seqline:Fanout:StreamPollInterval</c>
/// says, not at Orleans' 100 ms: that poll is the floor of every read-fan-out push's latency.
/// </summary>
public sealed class StreamPollingTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Theory]
    [InlineData(null, 10)]
    [InlineData("00:00:00.025", 25)]
    public async Task Conversation_streams_poll_at_the_configured_interval(string? setting, int expectedMilliseconds)
    {
        var settings = new Dictionary<string, string?>();
        if (setting is not null) settings[$"{FanoutOptions.Section}:StreamPollInterval"] = setting;
        await using var node = await new EmbeddedNode(_data.Path, settings: settings).Start();

        var agent = node.Services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(new FanoutOptions().StreamProvider);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), agent.GetQueueMsgsTimerPeriod);
    }

    public void Dispose() => _data.Dispose();
}
