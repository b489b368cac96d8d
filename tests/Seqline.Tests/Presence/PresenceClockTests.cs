using Seqline.Inboxes;

namespace Seqline.Tests.Presence;

public sealed class PresenceClockTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Online_while_registered_shows_no_last_seen_and_going_offline_sets_it_unsaved()
    {
        var presence = new PresenceClock("bob", lastSeen: null, hidden: false);
        presence.Renewed(Noon);

        var online = presence.Own(online: true);
        Assert.True(online.Online);
        Assert.Null(online.LastSeen);
        Assert.False(presence.Unsaved);

        presence.WentOffline(Noon.AddMinutes(5));
        var seen = presence.Seen(online: false);
        Assert.False(seen.Online);
        Assert.Equal(Noon.AddMinutes(5), seen.LastSeen);
        Assert.True(presence.Unsaved);

        presence.Saved();
        Assert.False(presence.Unsaved);
    }

    [Fact]
    public void Registrations_that_expired_unannounced_count_as_seen_at_their_last_renewal()
    {
        var presence = new PresenceClock("bob", lastSeen: Noon, hidden: false);
        presence.Renewed(Noon.AddMinutes(10));

        Assert.Equal(Noon.AddMinutes(10), presence.Own(online: false).LastSeen);
        Assert.True(presence.Unsaved);
    }

    [Fact]
    public void Last_seen_never_moves_back()
    {
        var presence = new PresenceClock("bob", lastSeen: Noon, hidden: false);
        presence.WentOffline(Noon.AddMinutes(-1));

        Assert.Equal(Noon, presence.Own(online: false).LastSeen);
        Assert.False(presence.Unsaved);
    }

    [Fact]
    public void Hidden_presence_shows_others_neither_online_nor_last_seen_but_the_user_sees_their_own()
    {
        var presence = new PresenceClock("bob", lastSeen: Noon, hidden: false);
        Assert.True(presence.Hide(true));
        Assert.False(presence.Hide(true));

        Assert.Equal(new Seqline.Presence.PresenceView("bob", false, null, Hidden: true), presence.Seen(online: true));
        Assert.True(presence.Own(online: true).Online);
        Assert.Equal(Noon, presence.Own(online: false).LastSeen);

        Assert.True(presence.Hide(false));
        Assert.True(presence.Seen(online: true).Online);
    }
}
