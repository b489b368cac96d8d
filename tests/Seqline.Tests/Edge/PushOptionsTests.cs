using Seqline.Push;

namespace Seqline.Tests.Edge;

/// <summary><c>Seqline:Push</c> checked as a node starts: each wrong setting named on its own.</summary>
public sealed class PushOptionsTests
{
    [Theory]
    [InlineData(nameof(PushOptions.RenewPeriod), "Seqline:Push:RenewPeriod must be positive")]
    [InlineData(nameof(PushOptions.ObserverExpiry), "Seqline:Push:ObserverExpiry must be positive")]
    [InlineData(nameof(PushOptions.ReorderWait), "Seqline:Push:ReorderWait must not be negative")]
    [InlineData(nameof(PushOptions.AcknowledgementInterval), "Seqline:Push:AcknowledgementInterval must be positive")]
    [InlineData(nameof(PushOptions.AcknowledgementBusyInterval), "Seqline:Push:AcknowledgementBusyInterval must be at least AcknowledgementInterval")]
    [InlineData(nameof(PushOptions.MaxQueuedPerUser), "Seqline:Push:MaxQueuedPerUser must be at least 1")]
    public void A_wrong_setting_is_named(string setting, string expected)
    {
        var options = new PushOptions();
        var property = typeof(PushOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? 0 : (object)TimeSpan.FromSeconds(-1));

        var result = new PushOptionsValidator().Validate(null, options);

        Assert.StartsWith(expected, Assert.Single(result.Failures!));
    }

    [Fact]
    public void The_defaults_pass() => Assert.True(new PushOptionsValidator().Validate(null, new PushOptions()).Succeeded);
}
