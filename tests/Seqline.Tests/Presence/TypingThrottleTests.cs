using Microsoft.Extensions.Time.Testing;
using Seqline.Api.Presence;

namespace Seqline.Tests.Presence;

public sealed class TypingThrottleTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void One_notice_per_conversation_per_interval_goes_and_the_rest_are_dropped()
    {
        var throttle = new TypingThrottle(TimeSpan.FromSeconds(2), _clock);
        Assert.True(throttle.MayForward("c1"));
        throttle.Forwarded("c1");

        _clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(throttle.MayForward("c1"));
        Assert.True(throttle.MayForward("c2"));

        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(throttle.MayForward("c1"));
    }

    [Fact]
    public void A_notice_that_was_not_forwarded_does_not_hold_back_the_next()
    {
        var throttle = new TypingThrottle(TimeSpan.FromSeconds(2), _clock);
        Assert.True(throttle.MayForward("c1"));
        Assert.True(throttle.MayForward("c1"));
    }

    [Fact]
    public void A_connection_typing_in_too_many_conversations_at_once_is_dropped_for_the_extra_ones_until_an_interval_passes()
    {
        var throttle = new TypingThrottle(TimeSpan.FromSeconds(2), _clock);
        for (var i = 0; i < TypingThrottle.MaxConversations; i++) throttle.Forwarded($"c{i}");

        Assert.False(throttle.MayForward("one-more"));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(throttle.MayForward("one-more"));
    }
}
