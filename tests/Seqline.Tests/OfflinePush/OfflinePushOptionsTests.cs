using Microsoft.Extensions.Options;
using Seqline.OfflinePush;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.OfflinePush;

/// <summary><c>Seqline:OfflinePush</c> checked as the node starts.</summary>
public sealed class OfflinePushOptionsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_url_without_a_signing_key_stops_the_node_with_one_line_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SeqlineServer.StartNode(_data.Path,
            settings: new Dictionary<string, string?> { ["Seqline:OfflinePush:Url"] = "https://push.example/hook" }));
        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("Seqline:OfflinePush:SigningKey is not set", failure);
        Assert.DoesNotContain('\n', failure);
    }

    [Theory]
    [InlineData("Url", "not a url", "Seqline:OfflinePush:Url must be an absolute http or https URL")]
    [InlineData("Url", "ftp://push.example/", "Seqline:OfflinePush:Url must be an absolute http or https URL")]
    [InlineData("SigningKey", "short", "Seqline:OfflinePush:SigningKey must be at least 32 bytes")]
    [InlineData("MaxAttempts", "0", "Seqline:OfflinePush:MaxAttempts must be at least 1")]
    [InlineData("PreviewLength", "0", "Seqline:OfflinePush:PreviewLength must be at least 1")]
    [InlineData("Timeout", "00:00:00", "Seqline:OfflinePush:Timeout must be positive")]
    public void A_wrong_setting_is_named(string setting, string value, string expected)
    {
        var options = new OfflinePushOptions { Url = "https://push.example/hook", SigningKey = WebhookReceiver.SigningKey };
        typeof(OfflinePushOptions).GetProperty(setting)!.SetValue(options, setting switch
        {
            "MaxAttempts" or "PreviewLength" => int.Parse(value),
            "Timeout" => TimeSpan.Parse(value),
            _ => value,
        });
        var result = new OfflinePushOptionsValidator().Validate(null, options);
        Assert.StartsWith(expected, Assert.Single(result.Failures!));
    }

    [Fact]
    public void Without_a_url_the_hook_is_off_and_needs_no_key()
    {
        Assert.True(new OfflinePushOptionsValidator().Validate(null, new OfflinePushOptions()).Succeeded);
        Assert.True(new OfflinePushOptionsValidator().Validate(null, new OfflinePushOptions { Url = "http://127.0.0.1:1/", SigningKey = WebhookReceiver.SigningKey }).Succeeded);
    }

    public void Dispose() => _data.Dispose();
}
