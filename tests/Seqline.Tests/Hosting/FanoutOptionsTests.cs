using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seqline.Hosting;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Hosting;

/// <summary>
/// Fan-out thresholds the wrong way round are refused (a node validates them as it starts), before
/// a group between them could switch modes at every membership change.
/// </summary>
public sealed class FanoutOptionsTests
{
    [Theory]
    [InlineData("100", null, false)]
    [InlineData("150", "150", false)]
    [InlineData("100", "50", true)]
    [InlineData(null, null, true)]
    public void The_write_threshold_must_be_below_the_read_one(string? readAbove, string? writeAtOrBelow, bool valid)
    {
        var settings = new Dictionary<string, string?> { ["Seqline:Sync:CursorKey"] = SeqlineServer.CursorKey };
        if (readAbove is not null) settings["Seqline:Fanout:ReadFanoutAbove"] = readAbove;
        if (writeAtOrBelow is not null) settings["Seqline:Fanout:WriteFanoutAtOrBelow"] = writeAtOrBelow;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // The silo's set-up reads Seqline:Fanout (which stream provider to add) as the options will be
        // read, so a wrong value is refused there already.
        FanoutOptions Read()
        {
            var builder = Host.CreateApplicationBuilder();
            builder.UseOrleans(silo => silo.UseLocalhostClustering().AddSeqlineGrains(configuration));
            using var host = builder.Build();
            return host.Services.GetRequiredService<IOptions<FanoutOptions>>().Value;
        }
        if (valid)
        {
            var options = Read();
            Assert.True(options.WriteFanoutAtOrBelow < options.ReadFanoutAbove);
            return;
        }
        var refused = Assert.Throws<OptionsValidationException>(Read);
        Assert.Contains("WriteFanoutAtOrBelow", refused.Message);
    }
}
